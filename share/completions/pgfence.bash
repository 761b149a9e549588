# bash completion for pgfence, written by scripts/shell-files.py from `pgfence help`.
_pgfence() {
  local cur="${COMP_WORDS[COMP_CWORD]}" opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "analyze pr trace capture extract-stats init pre-commit policy serve audit lsp rules help version" -- "$cur"))
    return
  fi
  case "${COMP_WORDS[1]}" in
    analyze) opts="--format -v --verbose --pg-version --direction --ci --single-transaction --max-risk --profile --enable --disable --max-lock-timeout --max-statement-timeout --config --no-config --unparsable --input-format --unknown --color --jobs --max-file-size -o --output --stdin-filename --exclude --history --changed-since --baseline --update-baseline --no-history --plan-merged --schema --stats-file --db-url --stats-throughput --help" ;;
    pr) opts="--base --head --repo --repository --pr --format --sarif --no-sarif --no-check-run --no-comment --upload-sarif --summary --outputs --fail-on-pre-existing --no-history --schema --trace --trace-as-superuser --trace-timeout --trace-budget --capture --name --config-from --comment-author --max-suggestions --upload --upload-without-sql --upload-required --pg-version --direction --single-transaction --max-risk --profile --enable --disable --max-lock-timeout --max-statement-timeout --config --no-config --unparsable --input-format --unknown --jobs --max-file-size --exclude --history --stats-file --stats-throughput --help" ;;
    trace) opts="--setup --pg-bin --pg-version --docker-image --isolated --plan --trace-as-superuser --trace-timeout --trace-budget --max-file-size --config --no-config --format -v --verbose --ci --max-risk --help" ;;
    capture) opts="--server --pg-bin --pg-version --root --timeout --record --max-message-size --format --ci --max-risk --help" ;;
    extract-stats) opts="--db-url -o --output --schema --statement-timeout --help" ;;
    init) opts="--config --force --help" ;;
    pre-commit) opts="--format -v --verbose --pg-version --direction --ci --single-transaction --max-risk --profile --enable --disable --max-lock-timeout --max-statement-timeout --config --no-config --unparsable --input-format --unknown --color --jobs --max-file-size -o --output --stdin-filename --exclude --history --changed-since --baseline --update-baseline --no-history --plan-merged --schema --stats-file --db-url --stats-throughput --help" ;;
    policy) opts="--policy --repository --format --help" ;;
    serve) opts="--config --listen --database-url --data-dir --pg-bin --help" ;;
    audit) opts="--config --database-url --data-dir --pg-bin --help" ;;
    lsp) opts="--stdio --help" ;;
    rules) opts="--help" ;;
    help) opts="--help" ;;
    version) opts="--help" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o default -F _pgfence pgfence
