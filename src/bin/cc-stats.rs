fn main() {
    ccpipe::app::main("cc-stats", ccpipe::stats::run)
}
