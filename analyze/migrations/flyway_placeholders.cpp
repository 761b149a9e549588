#include "analyze/migrations/flyway_placeholders.hpp"

#include <algorithm>
#include <cctype>

#include "analyze/parse/tokens.hpp"

namespace pgfence::analyze::tools {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Flyway's default placeholders (documentation "Placeholders": Default placeholders). The deploy
// sets them from its connection and settings: a schema, user, database or table name, a path, an
// environment's name. Where SQL names an object with one (`CREATE TABLE ${flyway:defaultSchema}.t`)
// it is read as the identifier it stands for; inside a literal, a quoted identifier or a comment
// its text is not known. ${flyway:timestamp} is a date and time (digits and separators): it
// changes no statement's meaning anywhere. ${flyway:filename} is the migration's own name.
bool deploy_set(std::string_view name) {
    for (std::string_view b : {"flyway:defaultschema", "flyway:user", "flyway:database", "flyway:table",
                               "flyway:workingdirectory", "flyway:environment"}) {
        if (name == b) return true;
    }
    return false;
}

// The identifier an unknown placeholder is read as: "$name", with what an identifier cannot hold
// dropped and at most 60 bytes of the name (restore_placeholder shows it as ${name}).
std::string stand_in(std::string_view name) {
    std::string out = "\"$";
    for (char c : name.substr(0, 60)) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' || c == '-') out += c;
        else out += '_';
    }
    return out + "\"";
}

// The most bytes the replaced text may hold: four times the file, and a megabyte.
constexpr std::size_t k_most_bytes(std::size_t file_bytes) { return file_bytes * 4 + (std::size_t{1} << 20); }

}  // namespace

std::size_t Replaced::to_file(std::size_t out, bool end) const {
    if (pieces.empty()) return out;
    if (end) {
        if (out == 0) return 0;
        --out;
    }
    auto it = std::upper_bound(pieces.begin(), pieces.end(), out, [](std::size_t o, const Piece& p) { return o < p.out_begin; });
    if (it == pieces.begin()) return 0;
    const Piece& p = *(it - 1);
    if (p.replaced) return end ? p.orig_end : p.orig_begin;
    return std::min(p.orig_begin + (out - p.out_begin) + (end ? 1 : 0), p.orig_end);
}

Replaced replace_flyway_placeholders(std::string_view text, const FlywaySettings& settings, std::string_view file_name) {
    Replaced r;
    // flyway.placeholderReplacement=false: the file is sent as written.
    if (!settings.replacement && !settings.syntax_unknown) {
        r.text = std::string(text);
        return r;
    }
    const std::string_view prefix = settings.syntax_unknown ? std::string_view("${") : std::string_view(settings.prefix);
    const std::string_view suffix = settings.syntax_unknown ? std::string_view("}") : std::string_view(settings.suffix);
    r.text.reserve(text.size());
    struct Deployed {
        std::size_t out, orig;
        std::string name;
    };
    std::vector<Deployed> deployed;  // default placeholders read as identifiers where they stand in code
    std::size_t copied = 0;
    bool shifted = false;  // a stand-in or value longer or shorter than its placeholder
    auto copy_to = [&](std::size_t end) {
        if (end > copied) {
            r.pieces.push_back(Piece{r.text.size(), copied, end, false});
            r.text.append(text.substr(copied, end - copied));
        }
        copied = end;
    };
    // As the reader does: from a prefix, up to the next suffix; the text between is the name.
    // Each byte is looked at once or twice: linear.
    for (std::size_t at = text.find(prefix); at != std::string_view::npos; at = text.find(prefix, copied)) {
        std::size_t close = text.find(suffix, at + prefix.size());
        copy_to(at);
        const std::size_t end = close == std::string_view::npos ? text.size() : close + suffix.size();
        const std::string_view name = text.substr(at + prefix.size(), (close == std::string_view::npos ? text.size() : close) - at - prefix.size());
        const std::string key = lower(name);
        std::string value;
        bool known = false;
        auto found = settings.placeholders.find(key);
        if (settings.syntax_unknown) {
            r.unknown.push_back({at, std::string(name), "the placeholder syntax differs between Flyway's settings files"});
        } else if (close == std::string_view::npos) {
            r.unknown.push_back({at, std::string(name), "no placeholder suffix follows: Flyway reads the rest of the file as its name"});
        } else if (key == "flyway:filename") {
            value = std::string(file_name);
            known = true;
        } else if (found != settings.placeholders.end() && found->second) {
            value = *found->second;
            known = true;
        } else if (found != settings.placeholders.end()) {
            r.unknown.push_back({at, std::string(name), "its value differs between Flyway's settings files or environments, or reads an environment variable"});
        } else if (deploy_set(key)) {
            deployed.push_back({r.text.size(), at, std::string(name)});
        } else if (key != "flyway:timestamp") {
            r.unknown.push_back({at, std::string(name), "no Flyway settings file of the repository gives it a value (the deploy's environment or command line must)"});
        }
        // Values put in many times could make the text far larger than the file and its settings:
        // past a bound linear in the file, a placeholder is no longer replaced but unknown.
        if (known && r.text.size() + value.size() > k_most_bytes(text.size())) {
            known = false;
            r.unknown.push_back({at, std::string(name), "the values put in before it make the file larger than pgfence reads"});
        }
        r.pieces.push_back(Piece{r.text.size(), at, end, true});
        if (known) {
            r.values = true;
            r.text += value;
        } else {
            r.text += stand_in(name);
        }
        shifted = shifted || r.text.size() - r.pieces.back().out_begin != end - at;
        copied = end;
        if (close == std::string_view::npos) break;
    }
    copy_to(text.size());
    // A default placeholder where SQL names an object stands alone, as the identifier it became;
    // anywhere else (in a literal, a quoted identifier, a comment) its text is not known.
    if (!deployed.empty()) {
        Tokenizer tokens(r.text);
        Token t;
        std::size_t k = 0;
        while (k < deployed.size() && tokens.next(t)) {
            while (k < deployed.size() && deployed[k].out < t.end) {
                if (t.begin != deployed[k].out) {
                    r.unknown.push_back({deployed[k].orig, deployed[k].name,
                                         "a default placeholder inside a literal, a quoted identifier or a comment: its text is set by the deploy"});
                }
                ++k;
            }
        }
        std::sort(r.unknown.begin(), r.unknown.end(), [](const UnknownPlaceholder& a, const UnknownPlaceholder& b) { return a.orig < b.orig; });
    }
    if (!r.values && !shifted) r.pieces.clear();  // stand-ins as long as what they replace
    return r;
}

}  // namespace pgfence::analyze::tools
