fn main() {
    ccpipe::app::main("cc-steer", ccpipe::steer::run)
}
