fn main() {
    ccpipe::app::main("cc-replay", ccpipe::replay::run)
}
