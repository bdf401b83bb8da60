# Tab completion for scripts/eventhistory in bash:  source scripts/eventhistory-completion.bash
# The tool answers itself (System.CommandLine's [suggest:N] directive: the words after the tool's
# name, and the cursor's position in them), so completions always match its commands and options.
_eventhistory_complete() {
  local line=${COMP_LINE:0:COMP_POINT}
  local words=${line#"${COMP_WORDS[0]}"}
  words=${words# }
  local IFS=$'\n'
  # shellcheck disable=SC2207
  COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${#words}]" "$words" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
}
complete -o default -F _eventhistory_complete eventhistory scripts/eventhistory ./scripts/eventhistory
