fn main() {
    ccpipe::replay::main()
}
