
use builtin;
use str;

set edit:completion:arg-completer[cc-fmt] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cc-fmt'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cc-fmt'= {
            cand --max-line 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped'
            cand --color 'When to colour: auto means stdout is a terminal and NO_COLOR is unset'
            cand --style 'What to show [default: pretty; summary with --json]'
            cand --max-lines 'Lines of each tool result to show (pretty); 0 shows all'
            cand --width 'Wrap at N columns (0: never). Default: the terminal''s width (COLUMNS overrides it) when stdout is a terminal, else no wrapping'
            cand --no-thinking 'Hide the model''s thinking (pretty)'
            cand --json 'With --style summary: one JSON object per result instead of a line of text'
            cand --show-secrets 'Show key-shaped strings (sk-ant-…, Bearer …, NAME_KEY=…, URL passwords) as they are; by default they show as [REDACTED]'
            cand --all-text 'With --style text: every assistant text block, not only the final answers'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
