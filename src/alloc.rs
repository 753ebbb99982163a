//! The allocator of the stages that evaluate jq expressions: mimalloc for
//! the many small, short-lived allocations of jaq's interpreter (about a
//! third less CPU than glibc's malloc on the benchmark's expressions), and
//! the system allocator for large blocks, whose `realloc` moves pages
//! (`mremap`) instead of copying them: a line buffer growing to hundreds of
//! MiB then never exists twice, which mimalloc's copying `realloc` would do.

use std::alloc::{GlobalAlloc, Layout, System};

use mimalloc::MiMalloc;

/// Blocks of this size and more go to the system allocator.
const LARGE: usize = 1 << 20;

pub struct Hybrid;

fn large(layout: &Layout) -> bool {
    layout.size() >= LARGE
}

// SAFETY: every block is freed, and reallocated, by the allocator that made
// it: the choice depends only on the block's size, which the caller passes
// back unchanged (GlobalAlloc's contract); a `realloc` that crosses the
// threshold moves the block from one allocator to the other.
unsafe impl GlobalAlloc for Hybrid {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        unsafe {
            if large(&layout) {
                System.alloc(layout)
            } else {
                MiMalloc.alloc(layout)
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        unsafe {
            if large(&layout) {
                System.alloc_zeroed(layout)
            } else {
                MiMalloc.alloc_zeroed(layout)
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from the allocator this layout's size selects.
        unsafe {
            if large(&layout) {
                System.dealloc(ptr, layout)
            } else {
                MiMalloc.dealloc(ptr, layout)
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align(new_size, layout.align());
        let Ok(new) = new else {
            return std::ptr::null_mut();
        };
        // SAFETY: `ptr` came from the allocator `layout` selects; a block
        // that changes allocator is copied (the smaller size) and freed.
        unsafe {
            match (large(&layout), large(&new)) {
                (true, true) => System.realloc(ptr, layout, new_size),
                (false, false) => MiMalloc.realloc(ptr, layout, new_size),
                _ => {
                    let moved = self.alloc(new);
                    if !moved.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    moved
                }
            }
        }
    }
}
