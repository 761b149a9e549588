#include "bot/cli.hpp"

#include <algorithm>
#include <unistd.h>
#include <cctype>
#include <iostream>

#include "analyze/parse/pg_parser.hpp"
#include "analyze/rules/common.hpp"
#include "annotate/printable.hpp"
#include "bot/analyze_command.hpp"
#include "bot/cli_args.hpp"
#include "bot/extract_stats_command.hpp"
#include "bot/init_command.hpp"
#include "bot/lsp_server.hpp"
#include "bot/policy_command.hpp"
#include "bot/pr_command.hpp"
#include "bot/serve_command.hpp"
#include "bot/trace_command.hpp"
#include "bot/capture_command.hpp"

#ifndef PGFENCE_VERSION
#define PGFENCE_VERSION "0.1.0"
#endif

namespace pgfence::bot {
namespace {

using namespace pgfence::analyze;

constexpr const char* k_usage = R"(usage: pgfence <command> [options]

commands:
  analyze PATH...     report what each migration statement locks, blocks and
                      rewrites, with findings
  pr [GLOB...]        the pull-request bot: analyse the migrations a pull
                      request changed and report them as a check run, a PR
                      comment, SARIF, job summary and step outputs
  trace PATH...       run the migrations on a throwaway PostgreSQL and check the
                      analysis against it
  capture -- COMMAND  run the project's own migrate command against PostgreSQL
                      through a recording proxy and analyse what it sent, each
                      migration as its file (docs/capture.md)
  extract-stats       write a table-size snapshot of a database (a read replica)
                      for --stats-file
  init                install a git pre-commit hook (.husky/pre-commit, else the
                      hooks folder git uses) that refuses a commit whose staged
                      migrations have a finding above max_risk; init --config
                      writes a commented .pgfence.toml
  pre-commit          what that hook runs: analyse the migrations among the
                      NUL-separated paths on standard input (git diff --cached
                      --name-only -z), analyze options apply
  policy check --policy FILE REPORT
                      apply the governance policy to a JSON report: which new
                      findings need a sign-off, which guardrails it breaks
  serve               the governance service: uploads, the GitHub App's webhooks
                      and check run, the audit trail (pgfence serve --config
                      governance.toml; docs/governance.md); serve token create
                      --repository OWNER/NAME
  audit verify        recompute the governance service's audit chains (--config,
                      --database-url, --data-dir or an exported FILE.jsonl): 0
                      verified, 1 the first broken event
  lsp                 the language server for editors (LSP over standard input
                      and output): diagnostics, hover, lock lenses and quick
                      fixes as you type (docs/editors.md)
  rules [RULE...]     list every rule (or the ones named): id, default risk,
                      whether it is on by default, summary
  help                show this text
  version             print the version

analyze options:
  --format FORMAT           text (default), compact, json, markdown (the PR
                            comment), sarif (code scanning), github (workflow-
                            command annotations), gitlab (Code Quality), rdjson
                            (reviewdog) or plan (each file's migration plan
                            written as the files its tool expects, into the -o
                            folder). text is the statement table, or compact on
                            a terminal narrower than it; compact is each finding
                            with its source line, a caret and the fix. As in the
                            original pgfence, --output github is the PR comment
                            (markdown), and an input kind (sql, typeorm, knex,
                            sequelize, db-migrate, prisma, drizzle) selects how
                            files are read, as --input-format does
  -v, --verbose             text: the statement table, whatever the terminal's
                            width
  --pg-version N            target PostgreSQL major version, 11 to 18 (default:
                            the config's pg_version, else the stats snapshot's
                            server, else 15)
  --direction up|down|both  which part of up/down migrations to read (default:
                            up)
  --ci                      exit 1 when a finding's risk is above --max-risk or
                            pgfence could not see a statement
  --single-transaction      all the files run in one transaction (psql -1, a
                            deploy script's BEGIN ... COMMIT): CONCURRENTLY
                            anywhere fails the deployment
  --max-risk LEVEL          low, medium, high or critical (default: medium)
  --profile default|strict  strict: the style rules (prefer-*,
                            missing-if-not-exists) too
  --enable ID[,ID...]       turn on rules (opt-in ones, or ones the config
                            turned off)
  --disable ID[,ID...]      turn off rules
  --max-lock-timeout TIME   the most lock_timeout may be, e.g. 5s (default: 10s)
  --max-statement-timeout TIME
                            the most statement_timeout may be before a rewrite
                            or scan under a blocking lock, e.g. 5min (default:
                            10min)
  --config FILE             read this configuration file instead of searching
                            for one
  --no-config               ignore .pgfence.toml / .pgfence.json
  --unparsable fail|warn    exit 2 when a statement does not parse (fail,
                            default) or not (warn)
  --input-format KIND       auto (default), sql, typeorm, knex, sequelize,
                            db-migrate or node-pg-migrate: how to read files;
                            auto reads .ts/.js migrations as the tool their
                            content or project shows
  --unknown warn|block      a statement pgfence could not see: block fails the
                            run (exit 1) whatever its risk, warn leaves it to
                            --max-risk (default: block with --ci and in pr,
                            else warn)
  --color auto|always|never
                            colour in the text format (default: auto: only on a
                            terminal)
  --jobs N                  files analysed in parallel (default: one per core)
  --max-file-size MB        refuse (exit 2) a migration file larger than this
                            many MiB; the other files are still analysed
                            (default: 16)
  -o, --output FILE         write the report to FILE instead of standard output
                            (--format plan: the folder the plans are written to,
                            default pgfence-plan); a format's name (--output
                            json, as in the original pgfence) selects the format
                            and is never a file name: -o ./json writes a file
  -                         as a PATH: read a migration from standard input
  --stdin-filename NAME     what standard input is called in the report; its
                            path and extension choose the tool and the reader,
                            as a file's would (default: <stdin>)
  --exclude GLOB            leave out files the glob matches (repeatable; added
                            to the config file's exclude)
  --history PATH            migrations that ran before (files, directories,
                            globs; repeatable): replayed so the analysed files
                            start from the schema they built; inside a git
                            repository the set's migrations committed at HEAD
                            too
  --changed-since REF       report only the files that differ from the merge
                            base of REF and HEAD (added, edited, untracked); the
                            unchanged ones are the history they start from
  --baseline FILE           report only findings FILE does not hold; a missing
                            FILE is written with today's findings (one line
                            each: file, rule, statement fingerprint)
  --update-baseline         write --baseline FILE again from today's findings
  --no-history              analyse each file alone (no --history, no committed
                            migrations, no chaining of the files of one
                            migration set)
  --plan-merged             plan files the mainline (origin's default branch)
                            already has too: by default they get none, as they
                            may have run on databases
  --schema FILE             the existing schema: a pg_dump --schema-only file, a
                            Rails structure.sql or CREATE statements
                            (repeatable); replayed like history, never ordered
                            as a migration; a stats snapshot's schema_sql wins
                            over it, it over history
  --stats-file FILE         a snapshot from extract-stats: risk moves with table
                            size, and findings estimate how long the blocking
                            part lasts (docs/stats-format.md)
  --db-url URL              take that snapshot from the database now, as
                            extract-stats does (default: $PGFENCE_DB_URL, unless
                            --stats-file is given); wins over a stats file, with
                            a note; the password is never printed
  --stats-throughput RATE   bytes per second the estimate assumes, e.g. 100MB/s
                            (default: 50MB/s)
  exit codes: 0 no finding above --max-risk (or no --ci); 1 with --ci, a
              finding above --max-risk or a statement pgfence could not see
              (unless --unknown warn); 2 usage or configuration error,
              unreadable input, or a statement that does not parse (unless
              --unparsable warn)

pr options (pgfence pr [GLOB...] [analyze options]; GLOBs choose the files):
  --base REV, --head REV    the pull request's commits (default: from
                            $GITHUB_EVENT_PATH); the diff is merge-base(base,
                            head)..head, with rename detection
  --repo DIR                the checkout (default: $GITHUB_WORKSPACE, else .)
  --repository OWNER/NAME   where to post (default: $GITHUB_REPOSITORY); token:
                            $GITHUB_TOKEN
  --pr N                    the pull request number (default: from the event
                            payload)
  --format FORMAT[=FILE]    also write the review as text, json, markdown,
                            sarif, gitlab (Code Quality) or rdjson (reviewdog),
                            to FILE, or without one to standard output in place
                            of the table; repeatable (GitLab, Bitbucket: the
                            same diff-aware review)
  --sarif FILE              write SARIF here (default in Actions: pgfence.sarif
                            in the checkout)
  --no-sarif, --no-check-run, --no-comment
                            skip one output
  --upload-sarif            also upload the SARIF to code scanning (needs
                            security-events: write)
  --summary FILE, --outputs FILE
                            job summary / step outputs (default:
                            $GITHUB_STEP_SUMMARY, $GITHUB_OUTPUT)
  --fail-on-pre-existing    findings on lines the pull request did not touch
                            count too
  --no-history              do not replay the base commit's unchanged migrations
                            before the files
  --schema FILE             the existing schema (as for analyze), read from the
                            base commit
  --trace                   also run the changed migrations on a throwaway
                            PostgreSQL of the target version (from
                            /usr/lib/postgresql/<N>/bin) and put the verdicts in
                            the check run and comment (a mismatch fails the run)
  --trace-as-superuser      --trace, with the SQL run as the server's superuser
                            instead of a plain database owner: only for trusted
                            repositories (COPY ... PROGRAM runs commands)
  --trace-timeout SECONDS   with --trace: cancel a traced statement that runs
                            longer, 1 to 86400 (default: 300)
  --trace-budget SECONDS    with --trace: stop the whole trace after this long,
                            1 to 86400: the rest is not run and the trace fails
                            (exit 1) (default: 1800)
  --capture FILE            judge the migrations the pull request adds or
                            changes from what the migrate command sent, as
                            `pgfence capture --record FILE` wrote it
  --name NAME               one of several pgfence jobs on the pull request:
                            check run 'pgfence (NAME)', its own sticky comment,
                            SARIF category pgfence/NAME/ (letters, digits, . _
                            -)
  --config-from base|head   read the configuration and the files it names from
                            the base commit, so the pull request cannot weaken
                            its own review (default: base), or the checkout
  --comment-author LOGIN    the login the token comments as, when GET /user
                            cannot say (a GitHub App: my-app[bot]); only that
                            author's sticky comment is edited
  --max-suggestions N       at most N one-click suggested changes per run, 0 to
                            100 (default: 5)
  --upload URL              upload the report to the governance service at URL;
                            the token is read from $PGFENCE_GOVERNANCE_TOKEN
  --upload-without-sql      with --upload: leave every SQL text out of the
                            upload
  --upload-required         with --upload: a failed upload fails the run (exit
                            2)
  --                        everything after it is a GLOB, even one starting
                            with '-'
  exit codes: 0 nothing new above --max-risk; 1 a new finding above it, or a
              new statement pgfence could not see (unless --unknown warn),
              or with --trace a mismatch, a statement the server rejected or
              a used-up --trace-budget; 2 usage, configuration, repository
              (not a repository, shallow clone) or input error (the event
              payload, GITHUB_API_URL)

extract-stats options (pgfence extract-stats --db-url URL):
  --db-url URL              libpq URL or key=value string (default:
                            $PGFENCE_DB_URL); the password is never printed.
                            Reads the catalog only, read-only, in one
                            transaction
  -o, --output FILE         where to write the snapshot (default: standard
                            output)
  --schema                  also record column types (decides ALTER COLUMN TYPE
                            rewrites exactly)
  --statement-timeout SECS  per query (default: 30)
  exit codes: 0 written; 2 usage error, or the database could not be reached or
              read

policy check options (pgfence policy check --policy FILE [options] REPORT.json):
  --policy FILE             the policy: [policy] and [repositories."OWNER/NAME"]
                            tables (docs/governance.md)
  --repository OWNER/NAME   whose overrides apply (default: the upload
                            envelope's repository, else none); REPORT is analyze
                            --format json output or the upload envelope
  --format text|json        one line per item and the conclusion, or the
                            decision as JSON (default: text)
  -                         as REPORT: read the report from standard input
  exit codes: 0 the policy holds; 1 a new finding needs sign-off or a guardrail
              is broken; 2 usage error, or a policy file or report that cannot
              be read

trace options (pgfence trace PATH...):
  --setup FILE              SQL loaded before the migrations (repeatable, in
                            order)
  --pg-bin DIR              folder with initdb and postgres (default: initdb on
                            PATH, else the newest /usr/lib/postgresql/<N>/bin)
  --pg-version N            use /usr/lib/postgresql/N/bin
  --docker-image IMAGE      run the server in Docker (needs a reachable Docker
                            engine)
  --isolated                run each file on its own copy of the --setup
                            database
  --plan                    run each file's migration plan in its place
                            (docs/migration-plans.md): rows added to the tables
                            it touches, each migration traced while a writer and
                            a reader work on its table, backfills run batch by
                            batch; --ci also fails when a plan does not run
                            through
  --trace-as-superuser      run the SQL as the server's superuser, not as a
                            plain database owner (whose refused statements get
                            'needs a superuser: not traced'); only for trusted
                            SQL: a superuser's COPY ... PROGRAM runs commands
  --trace-timeout SECONDS   cancel a statement (of --setup too) that runs
                            longer, 1 to 86400; its verdict is error, SQLSTATE
                            57014 (default: 300)
  --trace-budget SECONDS    the whole run's limit, setup included, 1 to 86400:
                            past it the statement running is cancelled, the
                            rest is not run, and trace fails (exit 1, without
                            --ci too) saying so (default: 1800)
  --max-file-size MB        as for analyze (also applies to --setup files)
                            (default: 16)
  --config FILE, --no-config
                            as for analyze: the configuration's tool, max_risk,
                            max_file_size and [rules] apply
  --format text|json        output format (default: text); -o FILE and --color
                            as for analyze
  -v, --verbose             every statement's predicted and observed locks, not
                            only mismatches
  --ci                      exit 1 when a statement's verdict is a mismatch or
                            the server rejects it
  --max-risk LEVEL          with --ci, also exit 1 when a statement's traced
                            risk (the higher of the predicted and the observed)
                            is above LEVEL
  exit codes: 0 traced; 1 a used-up --trace-budget, or with --ci a mismatch,
              an execution error or a risk above --max-risk; 2 usage or input
              error, or the server could not be started

capture options (pgfence capture [options] -- COMMAND...):
  --server URL              an existing server (a CI job's service): capture
                            makes a database and role of its own there and
                            drops them after (default: a throwaway PostgreSQL,
                            found as for trace)
  --pg-bin DIR, --pg-version N
                            the throwaway server's binaries, as for trace
  --root DIR                where the migration files are looked for (default:
                            the current folder)
  --timeout SECONDS         kill the command when it runs longer (default: 3600)
  --record FILE             also write every session's messages as JSON
  --max-message-size MB     a message of the command larger than this many MiB
                            passes through to the server, recorded as
                            unreadable: its statement is not analysed and the
                            run fails (exit 2) (default: 16)
  --format text|json        output format (default: text); -o FILE and --color
                            as for analyze
  --ci, --max-risk LEVEL    as for analyze
  exit codes: 0 captured; 1 with --ci, a finding above --max-risk or a
              statement pgfence could not see; 2 usage or input error, or the
              server could not be started; 3 the command exited non-zero, was
              killed or ran past --timeout; 4 the command never connected; 5
              the server rejected a statement of the command (a migration
              failed)

init options (pgfence init [options]):
  --config                  write .pgfence.toml here instead of the hook: every
                            setting with its default and what it does, commented
                            out, paths set to the migration folders found
  --force                   replace a hook pgfence did not write, or with
                            --config an existing .pgfence.toml (a link there is
                            replaced, never written through)
  exit codes: 0 installed or written; 2 not a git repository, a hook
              pgfence did not write or a .pgfence.toml already there (without
              --force), or a write that fails

audit verify options (pgfence audit verify [options] [FILE.jsonl]):
  --config FILE             governance.toml, as for serve
  --database-url URL        the service's PostgreSQL
  --data-dir DIR            the folder of a service that runs a PostgreSQL of
                            its own
  --pg-bin DIR              folder with initdb and postgres for --data-dir
  exit codes: 0 every chain verified; 1 the first broken event; 2 usage or input
              error

lsp options (pgfence lsp [options]; docs/editors.md):
  --stdio                   talk over standard input and output (the default,
                            and the only transport; accepted for clients that
                            pass it)
  exit codes: 0 on exit after shutdown; 1 on exit without it, when its input
              closes, or after framing it cannot read on; 2 when started on a
              terminal or with an unknown option

serve options (pgfence serve [options]; docs/governance.md):
  --config FILE             governance.toml: listen, database_url or data_dir,
                            the GitHub App
  --listen HOST:PORT        where to listen (default: the config's listen, else
                            127.0.0.1:8080)
  --database-url URL        the PostgreSQL the service keeps its data in
  --data-dir DIR            or a folder where the service runs a PostgreSQL of
                            its own
  --pg-bin DIR              folder with initdb and postgres for --data-dir
  exit codes: 0 stopped by SIGTERM or SIGINT, or a token written; 2 usage or
              configuration error, a data folder another serve owns, or a
              database it cannot open or keep serving
)";

// `pgfence help`: the usage line and the list of commands (the help's text up to the first
// options section), then where each command's options are.
std::string command_list() {
    const std::string usage = k_usage;
    std::string out = usage.substr(0, usage.find("\n\n", usage.find("\ncommands:\n") + 1) + 1);
    out += "\nEach command's options and exit codes: pgfence help COMMAND (or pgfence COMMAND\n"
           "--help). Everything, with examples: docs/cli.md.\n";
    return out;
}

// The commands `pgfence help` lists: each entry's first word.
std::vector<std::string> command_names() {
    std::vector<std::string> names;
    const std::string usage = k_usage;
    std::size_t at = usage.find("\ncommands:\n");
    if (at == std::string::npos) return names;
    for (at = usage.find('\n', at + 1) + 1; at < usage.size();) {
        std::size_t end = usage.find('\n', at);
        std::string line = usage.substr(at, end - at);
        if (line.empty() || line[0] != ' ') break;
        if (line.size() > 2 && line[2] != ' ') names.push_back(line.substr(2, line.find(' ', 2) - 2));
        at = end + 1;
    }
    return names;
}

// Every option a command's help lists: the first column of its option lines ("  -o, --output
// FILE   ..."), in order, once each. Options of other programs its prose names are not in it.
std::vector<std::string> options_in(const std::string& help) {
    std::vector<std::string> options;
    for (std::size_t at = 0; at < help.size();) {
        std::size_t end = help.find('\n', at);
        if (end == std::string::npos) end = help.size();
        std::string line = help.substr(at, end - at);
        at = end + 1;
        if (!line.starts_with("  -")) continue;
        std::string column = line.substr(2, line.find("  ", 2) - 2);
        for (std::size_t i = 0; i < column.size();) {
            std::size_t stop = column.find_first_of(" ,=", i);
            if (stop == std::string::npos) stop = column.size();
            std::string word = column.substr(i, stop - i);
            if (word.size() >= 2 && word[0] == '-' && std::find(options.begin(), options.end(), word) == options.end()) options.push_back(word);
            i = stop + 1;
        }
    }
    return options;
}

int run_rules_list(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    // `pgfence rules [RULE...]`: every rule, or the ones named, in the order named.
    std::vector<const rules::Rule*> shown;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (!args[i].empty() && args[i][0] == '-') {
            err << "error: rules takes rule ids, not '" << annotate::printable(args[i]) << "'\n";
            return k_exit_input;
        }
        const rules::Rule* rule = rules::find_rule(args[i]);
        if (rule == nullptr) {
            err << "error: no rule is named '" << annotate::printable(args[i]) << "' (pgfence rules lists them)\n";
            return k_exit_input;
        }
        shown.push_back(rule);
    }
    if (shown.empty())
        for (const auto& r : rules::all_rules()) shown.push_back(&r);
    // On a terminal (or with $COLUMNS) narrower than a rule's row, the summary goes under the row,
    // indented and wrapped at word breaks; through a pipe each rule stays one line.
    const int width = terminal_width(isatty(STDOUT_FILENO) != 0);
    for (const rules::Rule* rule : shown) {
        const rules::Rule& r = *rule;
        std::string id(r.id);
        std::string row = id + std::string(id.size() < 40 ? 40 - id.size() : 1, ' ') + std::string(risk_name(r.default_risk)) +
                          std::string(10 - risk_name(r.default_risk).size(), ' ') +
                          (r.default_enabled ? "on    " : r.strict ? "strict" : "off   ");
        const std::string_view summary = r.summary;
        if (width <= 0 || row.size() + 2 + summary.size() <= static_cast<std::size_t>(width)) {
            out << row << "  " << summary << "\n";
            continue;
        }
        while (!row.empty() && row.back() == ' ') row.pop_back();
        out << row << "\n";
        const std::size_t room = std::max<std::size_t>(20, static_cast<std::size_t>(width) - 4);
        std::string line;
        for (std::size_t at = 0; at < summary.size();) {
            std::size_t end = summary.find(' ', at);
            if (end == std::string_view::npos) end = summary.size();
            const std::string_view word = summary.substr(at, end - at);
            if (!line.empty() && line.size() + 1 + word.size() > room) {
                out << "    " << line << "\n";
                line.clear();
            }
            if (!line.empty()) line += ' ';
            line += word;
            at = end + 1;
        }
        if (!line.empty()) out << "    " << line << "\n";
    }
    return k_exit_ok;
}

// analyze's options section as pr takes it: without the rows of the options pr refuses or does
// not heed (analyze_options_not_in_pr) or that pr's own section lists (`own`: its --format,
// --schema), and without analyze's exit codes (pr's own are in its section). A row is an option
// line ("  --max-risk LEVEL  ...") and the lines under it.
std::string options_for_pr(const std::string& analyze, const std::string& own) {
    const std::vector<std::string> own_options = options_in(own);
    auto left_out = [&](const std::string& column) {
        // "-o, --output FILE": every option the row names is left out.
        for (std::size_t at = 0; at < column.size();) {
            std::size_t comma = column.find(", ", at);
            if (comma == std::string::npos) comma = column.size();
            const std::string word = column.substr(at, std::min(comma, column.find_first_of(" =", at)) - at);
            const auto& options = analyze_options_not_in_pr();
            if (std::none_of(options.begin(), options.end(), [&](const auto& o) { return o.option == word; }) &&
                std::find(own_options.begin(), own_options.end(), word) == own_options.end()) {
                return false;
            }
            at = comma + 2;
        }
        return true;
    };
    std::string out;
    bool keep = true;
    for (std::size_t at = 0; at < analyze.size();) {
        std::size_t end = analyze.find('\n', at);
        if (end == std::string::npos) end = analyze.size();
        const std::string line = analyze.substr(at, end - at);
        at = end + 1;
        if (line.starts_with("  exit codes:")) break;
        if (line.starts_with("  ") && line[2] != ' ') keep = !left_out(line.substr(2, line.find("  ", 2) - 2));
        else if (!line.starts_with("   ")) keep = true;
        if (keep) out += line + "\n";
    }
    return out;
}

// `pgfence COMMAND --help`: the command's lines of the command list, then its options section
// ("COMMAND options..." up to the next section); pre-commit takes analyze's options, and pr
// analyze's besides its own. Empty for a command the text does not list.
std::string help_for(const std::string& command) {
    const std::string usage = k_usage;
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < usage.size();) {
        std::size_t end = usage.find('\n', at);
        if (end == std::string::npos) end = usage.size();
        lines.push_back(usage.substr(at, end - at));
        at = end + 1;
    }
    auto section_start = [](const std::string& line) { return !line.empty() && line[0] != ' '; };
    std::string entry;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& l = lines[i];
        if (!l.starts_with("  " + command) || (l.size() > command.size() + 2 && l[command.size() + 2] != ' ')) continue;
        entry += l + "\n";
        for (std::size_t k = i + 1; k < lines.size() && lines[k].starts_with("    "); ++k) entry += lines[k] + "\n";
        break;
    }
    if (entry.empty()) return {};
    auto section = [&](const std::string& name) {
        std::string out;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (!section_start(lines[i]) || !lines[i].starts_with(name + " ") || lines[i].find("options") == std::string::npos) continue;
            out += "\n" + lines[i] + "\n";
            for (std::size_t k = i + 1; k < lines.size() && !section_start(lines[k]); ++k) out += lines[k] + "\n";
            break;
        }
        while (out.ends_with("\n\n")) out.pop_back();
        return out;
    };
    // The synopsis is the entry's first column ("analyze PATH..."), or its whole first line when
    // the text starts below it ("policy check --policy FILE REPORT").
    std::string synopsis = entry.substr(2, std::min(entry.find("  ", 2), entry.find('\n')) - 2);
    while (!synopsis.empty() && synopsis.back() == ' ') synopsis.pop_back();
    // Options go before a "--" that hands the rest to a command (capture -- COMMAND...): after it
    // they are the command's.
    const std::size_t dashes = synopsis.find("-- ");
    std::string usage_line = dashes == std::string::npos ? synopsis + " [options]"
                                                    : synopsis.substr(0, dashes) + "[options] " + synopsis.substr(dashes) + "...";
    std::string out = "usage: pgfence " + usage_line + "\n\n" + entry + section(command);
    if (command == "pre-commit") out += section("analyze");
    if (command == "pr") out += options_for_pr(section("analyze"), section("pr"));
    return out;
}

bool asks_help(const std::vector<std::string>& args) {
    for (std::size_t i = 1; i < args.size() && args[i] != "--"; ++i) {
        if (args[i] == "--help" || args[i] == "-h") return true;
    }
    return false;
}

}  // namespace

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
    auto distance = [](const std::string& a, const std::string& b) {
        // Optimal string alignment: insertions, deletions, substitutions, adjacent swaps.
        std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
        for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
        for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
        for (std::size_t i = 1; i <= a.size(); ++i) {
            for (std::size_t j = 1; j <= b.size(); ++j) {
                std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
        return d[a.size()][b.size()];
    };
    // An argument of any length is no typo of an option: never compare more than a line's worth.
    if (word.empty() || word.size() > 64) return {};
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;
    bool tie = false;
    for (const auto& c : candidates) {
        std::size_t dist = distance(word, c);
        if (dist < best_distance) {
            best = c;
            best_distance = dist;
            tie = false;
        } else if (dist == best_distance && !best.empty()) {
            tie = true;
        }
    }
    if (!best.empty() && !tie) return best;
    // An abbreviation: the one candidate that starts with it.
    std::string prefixed;
    for (const auto& c : candidates) {
        if (word.size() < 4 || !c.starts_with(word)) continue;
        if (!prefixed.empty()) return {};
        prefixed = c;
    }
    return prefixed;
}

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    try {
        if (args.size() >= 2 && args[0] == "help") {
            // `pgfence help --help` is the help command's own help.
            std::string text = help_for(args[1] == "--help" || args[1] == "-h" ? "help" : args[1]);
            if (text.empty()) {
                std::string guess = nearest(args[1], command_names());
                throw UsageError{"no command '" + args[1] + "'" + (guess.empty() ? "" : "; did you mean '" + guess + "'?") + " (see 'pgfence help')"};
            }
            out << text;
            return k_exit_ok;
        }
        if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
            (args.empty() ? err : out) << command_list();
            return args.empty() ? k_exit_input : k_exit_ok;
        }
        // `pgfence analyze --help`: that command's part of the help, not "unknown option".
        if (asks_help(args)) {
            std::string text = help_for(args[0]);
            if (!text.empty()) {
                out << text;
                return k_exit_ok;
            }
        }
        if (args[0] == "version" || args[0] == "--version" || args[0] == "-V") {
            out << "pgfence " << PGFENCE_VERSION << "\n"
                << "parser: " << analyze::parser_description() << "\n";
            return k_exit_ok;
        }
        if (args[0] == "analyze") return run_analyze(parse_analyze(args), out, err);
        if (args[0] == "rules") return run_rules_list(args, out, err);
        if (args[0] == "trace") return run_trace(args, out, err);
        if (args[0] == "capture") return run_capture(args, out, err);
        if (args[0] == "extract-stats") return run_extract_stats(args, out, err);
        if (args[0] == "pr") return run_pr(args, out, err);
        if (args[0] == "serve" || args[0] == "audit") {
            out.flush();
            return run_serve_program(args, err);
        }
        if (args[0] == "init") return run_init(args, out, err);
        if (args[0] == "pre-commit") return run_pre_commit(args, std::cin, out, err);
        if (args[0] == "policy") return run_policy(args, std::cin, out, err);
        if (args[0] == "lsp") {
            out.flush();
            return lsp::run_lsp(args, err);
        }
        throw UsageError{"unknown command '" + args[0] + "' (see 'pgfence help')"};
    } catch (const UsageError& e) {
        std::string message = e.message;
        std::string guess;
        if (!e.unknown_option.empty() && !args.empty()) guess = nearest(e.unknown_option, options_in(help_for(args[0])));
        else if (!args.empty() && message.starts_with("unknown command")) guess = nearest(args[0], command_names());
        if (!guess.empty() && guess != e.unknown_option) {
            // Before the "(see ...)" pointer, where there is one.
            std::size_t see = message.rfind(" (see ");
            message.insert(see == std::string::npos ? message.size() : see, "; did you mean '" + guess + "'?");
        }
        err << "error: " << annotate::printable(message) << "\n";
        return k_exit_input;
    } catch (const std::exception& e) {
        err << "error: internal error: " << e.what() << "\n";
        return k_exit_input;
    }
}

}  // namespace pgfence::bot
