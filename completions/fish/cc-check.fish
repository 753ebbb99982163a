complete -c cc-check -l max-line -d 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped' -r
complete -c cc-check -l input -d 'Check messages for the CLI\'s stdin (the default)'
complete -c cc-check -l output -d 'Check the CLI\'s output events'
complete -c cc-check -s k -l keep-going -d 'Report and drop each invalid line instead of stopping at the first; exit 1 at the end if any was dropped'
complete -c cc-check -l strict -d 'Report unknown output types and subtypes on stderr (they are still passed through) and exit 1 at the end if there were any. (With --input an unknown type is always invalid.)'
complete -c cc-check -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-check -s V -l version -d 'Print version'
