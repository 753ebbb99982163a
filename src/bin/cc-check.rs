fn main() {
    ccpipe::app::main("cc-check", ccpipe::check::run)
}
