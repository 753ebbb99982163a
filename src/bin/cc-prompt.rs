fn main() {
    ccpipe::app::main("cc-prompt", ccpipe::prompt::run)
}
