
use builtin;
use str;

set edit:completion:arg-completer[cc-check] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cc-check'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cc-check'= {
            cand --max-line 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped'
            cand --input 'Check messages for the CLI''s stdin (the default)'
            cand --output 'Check the CLI''s output events'
            cand -k 'Report and drop each invalid line instead of stopping at the first; exit 1 at the end if any was dropped'
            cand --keep-going 'Report and drop each invalid line instead of stopping at the first; exit 1 at the end if any was dropped'
            cand --strict 'Report unknown output types and subtypes on stderr (they are still passed through) and exit 1 at the end if there were any. (With --input an unknown type is always invalid.)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
