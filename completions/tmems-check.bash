# bash completion for tmems-check                          -*- shell-script -*-
# Installed as share/bash-completion/completions/tmems-check, where
# bash-completion loads it on first use.  Without bash-completion:
#   source completions/tmems-check.bash
#
# Completes the subcommands and options of docs/cli.md (tests/docs/
# test_manpage.sh keeps them equal to --help and the man page), the fixed
# values of --region, --phase, --format, --zone-format, --lang and --color, check ids and
# prefixes for --only/--skip (after a comma too; the same list as
# `tmems-check checks`), file names for --zone, --rules, --cacert, --html and -f, and
# directories for --zone-include-dir.

_tmems_check_ids="domain.name domain.exists token.present token.format token.match
dns.consistency mx.present mx.tmems mx.bypass mx.ttl mx.target company.id
company.inbound_host inbound.servers inbound.cloud inbound.firewall inbound.smtp
spf.present spf.single spf.syntax spf.include spf.lookups spf.void_lookups
spf.mx_names spf.ptr spf.loop spf.include_target spf.all spf.tmems_ranges
spf.hardcoded spf.size company.relay_host rules.current
domain. token. dns. mx. company. inbound. spf. rules."

_tmems_check()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n = || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    # --opt=value is completed like --opt value (bash splits at '=' unless
    # bash-completion rejoined the word).
    if [[ $prev == = ]] && ((cword >= 2)); then
        prev=${words[cword - 2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi

    local spf= watch= checks=
    local i
    for ((i = 1; i < cword; i++)); do
        if [[ ${words[i]} == spf ]]; then
            spf=1
            break
        fi
        if [[ ${words[i]} == watch ]]; then
            watch=1
            break
        fi
        if [[ ${words[i]} == checks ]]; then
            checks=1
            break
        fi
        [[ ${words[i]} == -* ]] || break
    done

    case $prev in
        --zone | --rules | --cacert | --html)
            _tmems_check_files
            return
            ;;
        --zone-include-dir)
            COMPREPLY=($(compgen -d -- "$cur"))
            return
            ;;
        -f)
            _tmems_check_files
            [[ -z $cur || $cur == - ]] && COMPREPLY+=(-)
            return
            ;;
        --region)
            COMPREPLY=($(compgen -W "jp us eu anz sg in uae" -- "$cur"))
            return
            ;;
        --phase)
            COMPREPLY=($(compgen -W "pre post auto" -- "$cur"))
            return
            ;;
        --until)
            COMPREPLY=($(compgen -W "auth caches" -- "$cur"))
            return
            ;;
        --format)
            if [[ -n $watch ]]; then
                COMPREPLY=($(compgen -W "text jsonl" -- "$cur"))
            elif [[ -n $spf ]]; then
                COMPREPLY=($(compgen -W "text json jsonl" -- "$cur"))
            elif [[ -n $checks ]]; then
                COMPREPLY=($(compgen -W "text json" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "text json jsonl junit html github sarif markdown" -- "$cur"))
            fi
            return
            ;;
        --zone-format)
            COMPREPLY=($(compgen -W "auto bind octodns dnscontrol" -- "$cur"))
            return
            ;;
        --lang)
            COMPREPLY=($(compgen -W "ja en" -- "$cur"))
            return
            ;;
        --color | --colour)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return
            ;;
        --only | --skip)
            # A comma-separated list: complete the item after the last comma.
            local head= item=$cur
            if [[ $cur == *,* ]]; then
                head=${cur%,*},
                item=${cur##*,}
            fi
            COMPREPLY=($(compgen -P "$head" -W "$_tmems_check_ids" -- "$item"))
            compopt -o nospace 2>/dev/null
            return
            ;;
        --server | --doh | --timeout | --tries | --max-queries | --deadline | --company | \
            --token | --ip | --sender | --helo | -j | --auth-port | --smtp-port | --spf-own | \
            --interval | --expect-mx | --expect-spf | --old-ttl)
            # A value only the user knows.
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        local opts="--server --doh --cacert --zone --zone-include-dir --zone-format --plan
            --offline --timeout --tries
            --deadline --max-queries --authoritative --auth-port --smtp-port --region --rules
            --company --token --phase --no-outbound --smtp --spf-own --format --html --lang
            --color --only --skip --strict -v -q -f -j --version --help"
        if [[ -n $spf ]]; then
            opts="--ip --sender --helo --server --doh --cacert --zone --zone-include-dir --offline
                --timeout --tries --deadline --max-queries --region --rules --format --lang
                --color -v --help"
        elif [[ -n $checks ]]; then
            opts="--format --lang --help"
        fi
        if [[ -n $watch ]]; then
            opts="--interval --deadline --until --expect-mx --expect-spf --old-ttl --server --doh
                --cacert --timeout --tries --auth-port --region --rules --company --token
                --no-outbound --strict --format --lang --color --help"
        fi
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi

    # The subcommand, as the first word that is not an option.
    if ((cword == 1)) && [[ -z $spf$watch$checks ]]; then
        COMPREPLY=($(compgen -W "spf watch checks" -- "$cur"))
    fi
}

# File names, through bash-completion when it is loaded.
_tmems_check_files()
{
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir
    else
        local IFS=$'\n'
        COMPREPLY=($(compgen -f -- "$cur"))
        compopt -o filenames 2>/dev/null
    fi
}

complete -F _tmems_check tmems-check
