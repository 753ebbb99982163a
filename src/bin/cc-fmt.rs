fn main() {
    ccpipe::app::main("cc-fmt", ccpipe::fmt::run)
}
