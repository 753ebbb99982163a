complete -c cc-steer -l priority -d 'When the CLI takes up a message that arrives while it is busy (default: none given, which the CLI takes as `next`)' -r -f -a "now\t''
next\t''
later\t''"
complete -c cc-steer -l idle-timeout -d 'End after this long with nothing read from stdin or the FIFO, e.g. 90s, 10m, 1h' -r
complete -c cc-steer -l max-line -d 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped' -r
complete -c cc-steer -l no-uuid -d 'Do not stamp a fresh `uuid` on each user message. With one, the CLI reports the message\'s fate (`command_lifecycle`: queued, started, completed or cancelled), lists it in interrupt receipts, and it can be withdrawn; cc-fmt folds those events away'
complete -c cc-steer -l exit-with-stdin -d 'End when stdin ends, instead of waiting for more steering'
complete -c cc-steer -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-steer -s V -l version -d 'Print version'
