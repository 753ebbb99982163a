
use builtin;
use str;

set edit:completion:arg-completer[cc-stats] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cc-stats'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cc-stats'= {
            cand --max-line 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped'
            cand --color 'When to colour the table: auto means stdout is a terminal and NO_COLOR is unset'
            cand --json 'Print one JSON object instead of the table'
            cand --prom 'Print the Prometheus text exposition format instead of the table'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
