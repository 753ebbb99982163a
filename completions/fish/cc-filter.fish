complete -c cc-filter -l max-line -d 'Longest line accepted, e.g. 64K, 256M, 2G; longer lines are reported and skipped' -r
complete -c cc-filter -s x -l expr -d 'The jq expression as an option, so that every positional argument is a FILE' -r
complete -c cc-filter -s t -l type -d 'Keep events whose `type` is TYPE (repeat for several); the expression defaults to `.`' -r
complete -c cc-filter -l subtype -d 'Keep events whose `subtype` is SUBTYPE (repeat for several)' -r
complete -c cc-filter -l recipe -d 'Run a named expression (before --expr); --list-recipes shows them' -r
complete -c cc-filter -l arg -d 'Bind $NAME to the string VALUE' -r
complete -c cc-filter -l argjson -d 'Bind $NAME to the JSON value JSON' -r
complete -c cc-filter -l list-recipes -d 'List the recipes with their jq source, then exit'
complete -c cc-filter -s r -l raw-output -d 'Print strings raw, without quotes'
complete -c cc-filter -s j -l join-output -d 'Like -r, and print no newline after each output'
complete -c cc-filter -s n -l null-input -d 'Run the expression once, on `null`, without reading input'
complete -c cc-filter -s s -l slurp -d 'Read every event into one array and run the expression once on it (memory grows with the input)'
complete -c cc-filter -s e -l exit-status -d 'Exit 1 if the last output was false or null, 4 if there was none'
complete -c cc-filter -s c -l compact-output -d 'One compact JSON value per line (the default; overrides --pretty)'
complete -c cc-filter -l pretty -d 'Indent output by two spaces, like jq without -c'
complete -c cc-filter -s S -l sort-keys -d 'Print object keys in sorted order'
complete -c cc-filter -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-filter -s V -l version -d 'Print version'
