
use builtin;
use str;

set edit:completion:arg-completer[cc-run] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cc-run'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cc-run'= {
            cand --claude 'The claude binary [default: $CCPIPE_CLAUDE, else `claude` on PATH]'
            cand --prompt 'Send TEXT as the first user message. When stdin is a terminal it is not read, so `cc-run --prompt TEXT` runs one turn and exits'
            cand --timeout 'Stop the session after DURATION (e.g. 90s, 10m): interrupt, then TERM, then KILL, --grace apart; exit 124'
            cand --grace 'How long the child gets between interrupt, TERM and KILL'
            cand --max-line 'Longest line accepted in either direction, e.g. 64K, 256M, 1G'
            cand --no-fail-fast 'Wait out the CLI''s retries of authentication and billing failures'
            cand -v 'Print the command line, the relevant environment (secrets redacted) and the child''s fate on stderr'
            cand --verbose 'Print the command line, the relevant environment (secrets redacted) and the child''s fate on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
