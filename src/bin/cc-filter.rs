fn main() {
    ccpipe::app::main("cc-filter", ccpipe::filter::run)
}
