complete -c cc-run -l claude -d 'The claude binary [default: $CCPIPE_CLAUDE, else `claude` on PATH]' -r -F
complete -c cc-run -l prompt -d 'Send TEXT as the first user message. When stdin is a terminal it is not read, so `cc-run --prompt TEXT` runs one turn and exits' -r
complete -c cc-run -l timeout -d 'Stop the session after DURATION (e.g. 90s, 10m): interrupt, then TERM, then KILL, --grace apart; exit 124' -r
complete -c cc-run -l grace -d 'How long the child gets between interrupt, TERM and KILL' -r
complete -c cc-run -l max-line -d 'Longest line accepted in either direction, e.g. 64K, 256M, 1G' -r
complete -c cc-run -l no-fail-fast -d 'Wait out the CLI\'s retries of authentication and billing failures'
complete -c cc-run -s v -l verbose -d 'Print the command line, the relevant environment (secrets redacted) and the child\'s fate on stderr'
complete -c cc-run -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-run -s V -l version -d 'Print version'
