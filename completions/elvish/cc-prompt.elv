
use builtin;
use str;

set edit:completion:arg-completer[cc-prompt] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cc-prompt'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cc-prompt'= {
            cand --image 'Attach an image (PNG, JPEG, GIF or WebP, detected from its bytes); repeatable. Images come before the text, as the Anthropic API recommends'
            cand --priority 'When the CLI takes up a message that arrives while it is busy (default: none given, which the CLI takes as `next`)'
            cand --max-line 'Longest line accepted with --lines, e.g. 64K, 256M, 1G'
            cand --lines 'Make one message per non-blank line of stdin'
            cand --no-uuid 'Do not stamp a fresh `uuid` on each user message. With one, the CLI reports the message''s fate (`command_lifecycle`: queued, started, completed or cancelled), lists it in interrupt receipts, and it can be withdrawn; cc-fmt folds those events away'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
