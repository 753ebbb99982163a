complete -c cc-replay -l max-line -d 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped' -r
complete -c cc-replay -l delay -d 'Pause between events, e.g. 150ms, 2s (a bare number is milliseconds)' -r
complete -c cc-replay -l speed -d 'Follow the recorded clock, X times faster (0.5 is half speed; at least 0.001)' -r
complete -c cc-replay -l max-gap -d 'Longest pause taken from the recorded clock (with --speed), e.g. 3s, 500ms' -r
complete -c cc-replay -l as-claude -d 'Stand in for the `claude` binary: answer the stream-json messages on stdin with the turns of a recording (FILE, else the demo). Takes the rest of the command line: an optional FILE, then claude\'s flags' -r
complete -c cc-replay -l demo -d 'Play the real session embedded in the binary instead of FILEs'
complete -c cc-replay -l no-delay -d 'Play as fast as the reader takes it'
complete -c cc-replay -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-replay -s V -l version -d 'Print version'
