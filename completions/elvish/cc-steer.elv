
use builtin;
use str;

set edit:completion:arg-completer[cc-steer] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cc-steer'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cc-steer'= {
            cand --priority 'When the CLI takes up a message that arrives while it is busy (default: none given, which the CLI takes as `next`)'
            cand --idle-timeout 'End after this long with nothing read from stdin or the FIFO, e.g. 90s, 10m, 1h'
            cand --max-line 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped'
            cand --no-uuid 'Do not stamp a fresh `uuid` on each user message. With one, the CLI reports the message''s fate (`command_lifecycle`: queued, started, completed or cancelled), lists it in interrupt receipts, and it can be withdrawn; cc-fmt folds those events away'
            cand --exit-with-stdin 'End when stdin ends, instead of waiting for more steering'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
