
use builtin;
use str;

set edit:completion:arg-completer[cc-filter] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cc-filter'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cc-filter'= {
            cand --max-line 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped'
            cand -x 'The jq expression as an option, so that every positional argument is a FILE'
            cand --expr 'The jq expression as an option, so that every positional argument is a FILE'
            cand -t 'Keep events whose `type` is TYPE (repeat for several); the expression defaults to `.`'
            cand --type 'Keep events whose `type` is TYPE (repeat for several); the expression defaults to `.`'
            cand --subtype 'Keep events whose `subtype` is SUBTYPE (repeat for several)'
            cand --recipe 'Run a named expression (before --expr); --list-recipes shows them'
            cand --arg 'Bind $NAME to the string VALUE'
            cand --argjson 'Bind $NAME to the JSON value JSON'
            cand --list-recipes 'List the recipes with their jq source, then exit'
            cand -r 'Print strings raw, without quotes'
            cand --raw-output 'Print strings raw, without quotes'
            cand -j 'Like -r, and print no newline after each output'
            cand --join-output 'Like -r, and print no newline after each output'
            cand -n 'Run the expression once, on `null`, without reading input'
            cand --null-input 'Run the expression once, on `null`, without reading input'
            cand -s 'Read every event into one array and run the expression once on it (memory grows with the input)'
            cand --slurp 'Read every event into one array and run the expression once on it (memory grows with the input)'
            cand -e 'Exit 1 if the last output was false or null, 4 if there was none'
            cand --exit-status 'Exit 1 if the last output was false or null, 4 if there was none'
            cand -c 'One compact JSON value per line (the default; overrides --pretty)'
            cand --compact-output 'One compact JSON value per line (the default; overrides --pretty)'
            cand --pretty 'Indent output by two spaces, like jq without -c'
            cand -S 'Print object keys in sorted order'
            cand --sort-keys 'Print object keys in sorted order'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
