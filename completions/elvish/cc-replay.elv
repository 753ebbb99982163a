
use builtin;
use str;

set edit:completion:arg-completer[cc-replay] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cc-replay'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cc-replay'= {
            cand --max-line 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped'
            cand --delay 'Pause between events, e.g. 150ms, 2s (a bare number is milliseconds)'
            cand --speed 'Follow the recorded clock, X times faster (0.5 is half speed; at least 0.001)'
            cand --max-gap 'Longest pause taken from the recorded clock (with --speed), e.g. 3s, 500ms'
            cand --as-claude 'Stand in for the `claude` binary: answer the stream-json messages on stdin with the turns of a recording (FILE, else the demo). Takes the rest of the command line: an optional FILE, then claude''s flags'
            cand --demo 'Play the real session embedded in the binary instead of FILEs'
            cand --no-delay 'Play as fast as the reader takes it'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
