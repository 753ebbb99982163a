fn main() {
    ccpipe::app::main("cc-run", ccpipe::run::run)
}
