complete -c cc-prompt -l image -d 'Attach an image (PNG, JPEG, GIF or WebP, detected from its bytes); repeatable. Images come before the text, as the Anthropic API recommends' -r -F
complete -c cc-prompt -l priority -d 'When the CLI takes up a message that arrives while it is busy (default: none given, which the CLI takes as `next`)' -r -f -a "now\t''
next\t''
later\t''"
complete -c cc-prompt -l max-line -d 'Longest line accepted with --lines, e.g. 64K, 256M, 1G' -r
complete -c cc-prompt -l lines -d 'Make one message per non-blank line of stdin'
complete -c cc-prompt -l no-uuid -d 'Do not stamp a fresh `uuid` on each user message. With one, the CLI reports the message\'s fate (`command_lifecycle`: queued, started, completed or cancelled), lists it in interrupt receipts, and it can be withdrawn; cc-fmt folds those events away'
complete -c cc-prompt -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-prompt -s V -l version -d 'Print version'
