#[global_allocator]
static ALLOC: ccpipe::alloc::Hybrid = ccpipe::alloc::Hybrid;

fn main() {
    ccpipe::app::main("cc-filter", ccpipe::filter::run)
}
