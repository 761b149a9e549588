#include "analyze/model/catalog.hpp"

#include "analyze/model/domain_defaults.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "analyze/parse/names.hpp"

namespace pgfence::analyze {
namespace {

// The relation in `slot`, to change: copied first when another catalog shares it. Every
// relation is made non-const (make_shared<RelationInfo>), so the cast is sound; a slot is only
// shared between catalogs of one thread, or with a catalog nobody changes (the history's).
RelationInfo& own(std::shared_ptr<const RelationInfo>& slot) {
    if (slot.use_count() > 1) slot = std::make_shared<RelationInfo>(*slot);
    return const_cast<RelationInfo&>(*slot);
}

bool contains(const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

RelationInfo* Catalog::find(const std::string& relname) {
    auto* slot = m_relations.get_mut(relname);
    return slot == nullptr ? nullptr : &edit(relname, *slot);
}

RelationInfo& Catalog::edit(const std::string& relname) { return edit(relname, *m_relations.get_mut(relname)); }

RelationInfo& Catalog::edit(const std::string& relname, std::shared_ptr<const RelationInfo>& slot) {
    remember(relname);
    m_touched.push_back(relname);
    return own(slot);
}

void Catalog::remember(const std::string& relname) {
    if (!m_trial) return;
    if (m_trial->relations.count(relname) > 0) return;  // its state before the trial is kept
    const auto* slot = m_relations.get(relname);
    m_trial->relations.emplace(relname, slot == nullptr ? nullptr : *slot);
}

void Catalog::begin_trial() {
    if (m_trial) return;
    m_trial.emplace();
    m_trial->domains = m_domains;
    m_trial->domain_functions = m_domain_functions;
    m_trial->domain_bases = m_domain_bases;
    m_trial->type_parts = m_type_parts;
    m_trial->types = m_types;
    m_trial->functions = m_functions;
    m_trial->dropped_functions = m_dropped_functions;
    m_trial->routines_public_by_default = m_routines_public_by_default;
    m_trial->event_triggers = m_event_triggers;
    m_trial->publications = m_publications;
    m_trial->replica_identities = m_replica_identities;
    m_trial->view_queries = m_view_queries;
    m_trial->collations = m_collations;
    m_trial->domain_collations = m_domain_collations;
    m_trial->default_table_privileges = m_default_table_privileges;
}

void Catalog::undo_trial() {
    if (!m_trial) return;
    Trial trial = std::move(*m_trial);
    m_trial.reset();
    for (auto& [relname, slot] : trial.relations) {
        m_touched.push_back(relname);
        if (slot) m_relations.insert_or_assign(relname, std::move(slot));
        else m_relations.erase(relname);
    }
    m_domains = std::move(trial.domains);
    m_domain_functions = std::move(trial.domain_functions);
    m_domain_bases = std::move(trial.domain_bases);
    m_type_parts = std::move(trial.type_parts);
    m_types = std::move(trial.types);
    m_functions = std::move(trial.functions);
    m_dropped_functions = std::move(trial.dropped_functions);
    m_routines_public_by_default = trial.routines_public_by_default;
    m_event_triggers = std::move(trial.event_triggers);
    m_publications = std::move(trial.publications);
    m_replica_identities = std::move(trial.replica_identities);
    m_view_queries = std::move(trial.view_queries);
    m_collations = std::move(trial.collations);
    m_domain_collations = std::move(trial.domain_collations);
    m_default_table_privileges = std::move(trial.default_table_privileges);
}

const RelationInfo* Catalog::find(const std::string& relname) const {
    const auto* slot = m_relations.get(relname);
    return slot == nullptr ? nullptr : slot->get();
}

namespace {

// The schema a relation's display names ("" for none), with public taken as none: an unqualified
// name under the default search_path is public's.
std::string display_schema(const std::string& display, const std::string& relname) {
    const std::string bare = quote_ident(relname);
    if (display.size() <= bare.size() + 1 || !display.ends_with("." + bare)) return {};
    std::string schema = display.substr(0, display.size() - bare.size() - 1);
    return schema == "public" || schema == "\"public\"" ? std::string() : schema;
}

}  // namespace

bool Catalog::pick_schema(const std::string& relname, const std::string& schema) {
    auto aside = m_aside.find(relname);
    if (aside == m_aside.end() || aside->second.empty()) return true;
    const std::string wanted = schema == "public" ? std::string() : schema;
    const auto* current = m_relations.get(relname);
    const std::string current_schema = current != nullptr && *current ? display_schema((*current)->display, relname) : std::string();
    auto same = [&](const std::string& a) { return a == wanted || a == quote_ident(wanted); };
    if (current != nullptr && same(current_schema)) return true;
    for (auto& [other_schema, slot] : aside->second) {
        if (!same(other_schema)) continue;
        remember(relname);
        m_touched.push_back(relname);
        std::shared_ptr<const RelationInfo> back = slot;
        if (current != nullptr) {
            slot = *current;
            other_schema = current_schema;
        }
        m_relations.insert_or_assign(relname, std::move(back));
        return true;
    }
    return false;
}

RelationInfo& Catalog::add(const std::string& relname, const std::string& display, const std::string& kind) {
    // Another schema's relation of this relname is put aside, not forgotten (pick_schema).
    if (const auto* existing = m_relations.get(relname); existing != nullptr && *existing) {
        const std::string before = display_schema((*existing)->display, relname);
        const std::string now = display_schema(display, relname);
        if (before != now) {
            auto& list = m_aside[relname];
            std::erase_if(list, [&](const auto& entry) { return entry.first == before; });
            list.emplace_back(before, *existing);
        }
    }
    m_owners.erase(relname);
    m_view_queries.erase(relname);
    auto info = std::make_shared<RelationInfo>();
    info->relname = relname;
    info->display = display;
    info->kind = kind;
    info->source = m_source;
    RelationInfo& out = *info;
    remember(relname);
    m_touched.push_back(relname);
    m_added.names.push_back(relname);
    m_relations.insert_or_assign(relname, std::move(info));
    return out;
}

std::uint32_t Catalog::scope_id(const std::string& scope) {
    return m_scopes.try_emplace(scope, static_cast<std::uint32_t>(m_scopes.size() + 1)).first->second;
}

std::uint32_t Catalog::find_scope_id(const std::string& scope) const {
    auto it = m_scopes.find(scope);
    return it == m_scopes.end() ? 0 : it->second;
}

void Catalog::remove(const std::string& relname) {
    std::vector<std::string> mentioning;  // changed after the walk: a change may copy the map's nodes
    for (const auto& [name, slot] : m_relations) {
        const RelationInfo& seen = *slot;
        bool mentions = contains(seen.children, relname) || contains(seen.references, relname) ||
                        contains(seen.referenced_by, relname) || seen.default_partition == relname ||
                        std::any_of(seen.foreign_keys.begin(), seen.foreign_keys.end(),
                                    [&](const auto& fk) { return fk.second.target == relname; });
        if (mentions) mentioning.push_back(name);
    }
    for (const std::string& name : mentioning) {
        RelationInfo& info = edit(name);
        erase(info.children, relname);
        erase(info.references, relname);
        erase(info.referenced_by, relname);
        erase_if(info.foreign_keys, [&](const auto& fk) { return fk.second.target == relname; });
        if (info.default_partition == relname) info.default_partition.clear();
    }
    remember(relname);
    m_relations.erase(relname);
    m_view_queries.erase(relname);
}

void Catalog::mark_existing() {
    forget_temporary();
    m_functions_existing = m_functions_added.size();
    std::vector<std::string> fresh;
    for (const auto& [name, slot] : m_relations) {
        if (slot->is_new) fresh.push_back(name);
    }
    for (const std::string& name : fresh) edit(name).is_new = false;
    for (auto& [relname, list] : m_aside) {  // those put aside for another schema's, alike
        for (auto& [schema, slot] : list) {
            if (!slot || !slot->is_new) continue;
            auto copy = std::make_shared<RelationInfo>(*slot);
            copy->is_new = false;
            slot = std::move(copy);
        }
    }
}

// The next migration file runs in a session of its own (another deploy, or the tool's next
// connection): the temporary relations of this one are not there.
void Catalog::forget_temporary() {
    std::vector<std::string> gone;
    std::set<std::string> temporary;
    for (const auto& [name, slot] : m_relations) {
        if (slot->temporary) temporary.insert(name);
    }
    if (temporary.empty()) return;
    for (const auto& [name, slot] : m_relations) {
        if (temporary.count(name) > 0 || (slot->kind == "index" && temporary.count(slot->index_table) > 0)) gone.push_back(name);
    }
    for (const auto& name : gone) remove(name);
}

// What hand_on has to look at: every relation the first time (the catalog came from a history,
// an overlay or a copy made before anything was tracked), then only those added, changed,
// renamed or put back since the last hand_on. Every other relation is as that hand_on left it:
// not temporary, not new, nothing unsourced. A scan of every relation per file made a chained
// run of n files cost n times the schema (issue "The house in layers, and speed back").
std::vector<std::string> Catalog::touched_since_hand_on() const {
    std::vector<std::string> out;
    if (m_touched_all) {
        out.reserve(m_relations.size());
        for (const auto& [name, slot] : m_relations) out.push_back(name);
        return out;
    }
    out = m_touched;
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void Catalog::hand_on(const std::string& path) {
    m_functions_existing = m_functions_added.size();
    const std::vector<std::string> touched = touched_since_hand_on();
    // forget_temporary, on the touched relations: a temporary table and its indexes are made in
    // the file that is ending (the one before forgot its own), so both are among them.
    std::set<std::string> temporary;
    for (const auto& name : touched) {
        const auto* slot = m_relations.get(name);
        if (slot != nullptr && (*slot)->temporary) temporary.insert(name);
    }
    if (!temporary.empty()) {
        std::vector<std::string> gone;
        for (const auto& name : touched) {
            const auto* slot = m_relations.get(name);
            if (slot == nullptr) continue;
            if (temporary.count(name) > 0 || ((*slot)->kind == "index" && temporary.count((*slot)->index_table) > 0)) {
                gone.push_back(name);
            }
        }
        for (const auto& name : gone) remove(name);
    }
    for (const auto& touched_name : touched) {
        const auto* found = m_relations.get(touched_name);
        if (found == nullptr) continue;
        const std::string& name = touched_name;
        const auto& slot = *found;
        bool unsourced_key = std::any_of(slot->foreign_keys.begin(), slot->foreign_keys.end(),
                                         [](const auto& fk) { return fk.second.source.empty(); });
        bool unsourced_fill = std::any_of(slot->fills.begin(), slot->fills.end(),
                                          [](const auto& fill) { return fill.second.source.empty(); });
        bool unsourced_policy = std::any_of(slot->policies.begin(), slot->policies.end(),
                                            [](const auto& policy) { return policy.second.source.empty(); });
        if (!slot->is_new && !unsourced_key && !unsourced_fill && !unsourced_policy) continue;
        RelationInfo& info = edit(name);
        if (info.is_new && info.source.empty()) info.source = path;
        info.is_new = false;
        for (auto& [key, fk] : info.foreign_keys) {
            if (fk.source.empty()) fk.source = path;
        }
        for (auto& [column, fill] : info.fills) {
            if (fill.source.empty()) fill.source = path;
        }
        for (auto& [name, policy] : info.policies) {
            if (policy.source.empty()) policy.source = path;
        }
    }
    // The relations put aside for another schema's (add) are handed on alike.
    for (auto& [relname, list] : m_aside) {
        for (auto& [schema, slot] : list) {
            if (!slot || !slot->is_new) continue;
            auto copy = std::make_shared<RelationInfo>(*slot);
            if (copy->source.empty()) copy->source = path;
            copy->is_new = false;
            slot = std::move(copy);
        }
    }
    // What this hand_on changed is sourced and not new: nothing for the next one to look at.
    m_touched.clear();
    m_touched_all = false;
}

void Catalog::overlay(const Catalog& over) {
    m_touched_all = true;
    // A statement the schema's replay did not follow may have made what neither catalog holds.
    if (over.m_unknown_seen) m_unknown_seen = true;
    if (over.m_unread_seen) m_unread_seen = true;
    for (const auto& [word, on] : over.m_named_unknown) m_named_unknown.insert_or_assign(word, on);
    for (const auto& [relname, slot] : over.m_relations) {
        remember(relname);
        auto* old_slot = m_relations.get_mut(relname);
        if (old_slot == nullptr) {
            m_relations.emplace(relname, slot);  // shared: neither catalog changes it in place
            continue;
        }
        auto& old = *old_slot;
        // Links from relations `over` does not define stay: they still point here.
        std::vector<std::string> children;
        std::vector<std::string> referenced_by;
        auto keep = [&](const std::vector<std::string>& from, const std::vector<std::string>& into,
                        std::vector<std::string>& added) {
            for (const std::string& name : from) {
                if (over.find(name) == nullptr && !contains(into, name) && !contains(added, name)) added.push_back(name);
            }
        };
        keep(old->children, slot->children, children);
        keep(old->referenced_by, slot->referenced_by, referenced_by);
        old = slot;
        if (children.empty() && referenced_by.empty()) continue;
        RelationInfo& merged = own(old);
        merged.children.insert(merged.children.end(), children.begin(), children.end());
        merged.referenced_by.insert(merged.referenced_by.end(), referenced_by.begin(), referenced_by.end());
    }
    for (const auto& [name, sql] : over.m_view_queries) m_view_queries[name] = sql;
    for (const auto& [name, has_constraints] : over.m_domains) {
        m_types.erase(name);
        m_domains[name] = has_constraints;
    }
    for (const auto& [name, functions] : over.m_domain_functions) m_domain_functions[name] = functions;
    for (const auto& [name, base] : over.m_domain_bases) m_domain_bases[name] = base;
    for (const std::string& name : over.m_types) {
        m_domains.erase(name);
        m_domain_functions.erase(name);
        m_domain_bases.erase(name);
        m_types.insert(name);
    }
    for (const auto& [name, parts] : over.m_type_parts) m_type_parts[name] = parts;
    for (const auto& [name, trigger] : over.m_event_triggers) m_event_triggers[name] = trigger;
    for (const auto& [name, publication] : over.m_publications) m_publications[name] = publication;
    for (const auto& [name, identity] : over.m_replica_identities) m_replica_identities[name] = identity;
    for (const auto& [name, deterministic] : over.m_collations) m_collations[name] = deterministic;
    for (const auto& [name, collation] : over.m_domain_collations) m_domain_collations[name] = collation;
    for (const auto& [role, privileges] : over.m_default_table_privileges) m_default_table_privileges[role] |= privileges;
    for (const auto& [name, overloads] : over.m_functions) {
        for (const auto& f : overloads) add_function(*f);
    }
    m_functions_existing = m_functions_added.size();  // the schema's functions exist before the migration
    for (const auto& [name, uses] : over.m_object_uses) {
        for (const std::string& via : uses) add_object_use(name, via);
    }
}

void Catalog::add_domain(const std::string& name, bool has_constraints, const std::string& base) {
    m_domains[name] = has_constraints;
    if (!base.empty()) m_domain_bases[name] = base;
}

void Catalog::remove_domain(const std::string& name) {
    m_domains.erase(name);
    m_domain_bases.erase(name);
    m_domain_collations.erase(name);
    m_domain_functions.erase(name);
    m_domain_functions.erase(model::domain_default_key(name));
    m_type_parts.erase(name);
    m_types.erase(name);
}

std::optional<bool> Catalog::domain_has_constraints(const std::string& name) const {
    // information_schema's domains (PostgreSQL 15 catalog/information_schema.sql): cardinal_number
    // has CHECK (VALUE >= 0), yes_or_no CHECK (VALUE IN ('YES', 'NO')); the others none.
    static const std::map<std::string, bool, std::less<>> k_builtin = {
        {"information_schema.cardinal_number", true}, {"information_schema.yes_or_no", true},
        {"information_schema.character_data", false}, {"information_schema.sql_identifier", false},
        {"information_schema.time_stamp", false}};
    std::string key = name;
    // A domain over a domain has its base's constraints too (PostgreSQL checks the whole chain,
    // typcache.c load_domaintype_info): followed down to a type that is no domain the catalog knows.
    for (int depth = 0; depth < 32; ++depth) {
        if (auto builtin = k_builtin.find(key); builtin != k_builtin.end()) return builtin->second;
        // A schema-qualified name: the catalog keeps domains by last name.
        if (const auto dot = key.rfind('.'); dot != std::string::npos && m_domains.count(key) == 0) key = key.substr(dot + 1);
        auto it = m_domains.find(key);
        if (it == m_domains.end()) return depth == 0 ? std::nullopt : std::optional<bool>(false);
        if (it->second) return true;
        auto base = m_domain_bases.find(key);
        if (base == m_domain_bases.end()) return false;
        key = base->second;
    }
    return true;  // a cycle PostgreSQL would not allow; take the rewrite
}

std::vector<std::string> Catalog::domains_over(const std::string& name) const {
    std::vector<std::string> out{name};
    // Breadth first, each domain once: a cycle PostgreSQL would not allow ends too.
    for (std::size_t i = 0; i < out.size() && out.size() < 256; ++i) {
        for (const auto& [domain, base] : m_domain_bases) {
            if (base == out[i] && std::find(out.begin(), out.end(), domain) == out.end()) out.push_back(domain);
        }
    }
    return out;
}

void Catalog::add_domain_functions(const std::string& name, const std::vector<std::string>& functions) {
    auto& list = m_domain_functions[name];
    for (const std::string& f : functions) {
        // One past the limit is kept: it marks the domain's as more than are followed.
        if (list.size() <= k_max_domain_checks && std::find(list.begin(), list.end(), f) == list.end()) list.push_back(f);
    }
}

std::vector<std::string> Catalog::domain_check_functions(const std::string& name) const {
    // Breadth first over the types below `name`: a domain's base, a composite's attributes, a
    // range's subtype; each type once, at most k_max_types of them.
    static constexpr std::size_t k_max_types = 1024;
    std::vector<std::string> out;
    std::vector<std::string> queue{name};
    std::set<std::string> seen{name};
    auto below = [&](const std::string& type) {
        if (seen.count(type) > 0) return;
        if (seen.size() >= k_max_types) {
            // More types than are walked: a name no catalog has, so that its caller says unknown.
            out.resize(std::max(out.size(), k_max_domain_checks + 1), "types nested past " + std::to_string(k_max_types));
            return;
        }
        seen.insert(type);
        queue.push_back(type);
    };
    for (std::size_t i = 0; i < queue.size() && out.size() <= k_max_domain_checks; ++i) {
        std::string key = queue[i];
        if (const auto dot = key.rfind('.'); dot != std::string::npos && m_domains.count(key) == 0 && m_type_parts.count(key) == 0) {
            key = key.substr(dot + 1);
        }
        if (m_domains.count(key) > 0) {
            if (const auto* functions = domain_functions(key)) {
                for (const std::string& f : *functions) {
                    if (out.size() > k_max_domain_checks) break;
                    if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
                }
            }
            if (auto base = m_domain_bases.find(key); base != m_domain_bases.end()) below(base->second);
        }
        if (auto parts = m_type_parts.find(key); parts != m_type_parts.end()) {
            for (const std::string& part : parts->second) below(part);
        }
    }
    return out;
}

void Catalog::add_type_parts(const std::string& name, const std::vector<std::string>& parts) {
    auto& list = m_type_parts[name];
    for (const std::string& part : parts) {
        // A type of more parts than domain_check_functions walks is cut there anyway.
        if (list.size() < 1024 && !part.empty() && std::find(list.begin(), list.end(), part) == list.end()) list.push_back(part);
    }
}

bool Catalog::is_domain(const std::string& name) const {
    const auto dot = name.rfind('.');
    return m_domains.count(name) > 0 || (dot != std::string::npos && m_domains.count(name.substr(dot + 1)) > 0);
}

const std::vector<std::string>* Catalog::domain_functions(const std::string& name) const {
    auto it = m_domain_functions.find(name);
    return it == m_domain_functions.end() ? nullptr : &it->second;
}

void Catalog::add_type(const std::string& name) { m_types.insert(name); }

bool Catalog::is_known_type(const std::string& name) const { return m_types.count(name) > 0 || m_domains.count(name) > 0; }

void Catalog::add_function(FunctionInfo info) {
    if (info.source.empty()) info.source = m_source;
    info.order = m_functions_added.size();
    auto& overloads = m_functions[info.name];
    std::erase_if(overloads, [&](const std::shared_ptr<const FunctionInfo>& f) {
        return f->schema == info.schema && f->signature == info.signature;
    });
    overloads.push_back(std::make_shared<const FunctionInfo>(std::move(info)));
    m_functions_added.push_back(overloads.back());
}

void Catalog::add_object_use(const std::string& name, const std::string& via) {
    auto& uses = m_object_uses[name];
    if (uses.size() < k_max_object_uses && std::find(uses.begin(), uses.end(), via) == uses.end()) uses.push_back(via);
}

const std::vector<std::string>* Catalog::object_uses(const std::string& name) const {
    auto it = m_object_uses.find(name);
    return it == m_object_uses.end() ? nullptr : &it->second;
}

void Catalog::remove_function(const std::string& name, const std::string& schema, const std::optional<std::string>& signature) {
    auto it = m_functions.find(name);
    if (it == m_functions.end()) return;
    std::erase_if(it->second, [&](const std::shared_ptr<const FunctionInfo>& f) {
        return (schema.empty() || f->schema.empty() || f->schema == schema) && (!signature || f->signature == *signature);
    });
    if (it->second.empty()) m_functions.erase(it);
}

namespace {
bool same_routine(const FunctionInfo& f, const std::string& schema, const std::string& signature) {
    return (schema.empty() || f.schema.empty() || f.schema == schema) && f.signature == signature;
}
}  // namespace

void Catalog::add_dropped_function(const FunctionInfo& info) {
    auto& dropped = m_dropped_functions.try_emplace(info.name).first->second;
    std::erase_if(dropped, [&](const std::shared_ptr<const FunctionInfo>& f) { return same_routine(*f, info.schema, info.signature); });
    dropped.push_back(std::make_shared<const FunctionInfo>(info));
}

std::shared_ptr<const FunctionInfo> Catalog::dropped_function(const std::string& name, const std::string& schema,
                                                              const std::string& signature, const std::string& unqualified) const {
    auto it = m_dropped_functions.find(name);
    if (it == m_dropped_functions.end()) return nullptr;
    const std::string& wanted = schema.empty() ? unqualified : schema;
    for (auto f = it->second.rbegin(); f != it->second.rend(); ++f) {
        if ((*f)->signature == signature && ((*f)->schema.empty() ? unqualified : (*f)->schema) == wanted) return *f;
    }
    return nullptr;
}

void Catalog::take_dropped_function(const std::string& name, const std::string& schema, const std::string& signature) {
    auto it = m_dropped_functions.find(name);
    if (it == m_dropped_functions.end()) return;
    std::erase_if(it->second, [&](const std::shared_ptr<const FunctionInfo>& f) { return same_routine(*f, schema, signature); });
    if (it->second.empty()) m_dropped_functions.erase(it);
}

const std::vector<std::shared_ptr<const FunctionInfo>>* Catalog::functions(const std::string& name) const {
    auto it = m_functions.find(name);
    return it == m_functions.end() ? nullptr : &it->second;
}

namespace {

// The new name, keeping the schema the old display name was qualified with.
std::string renamed_display(const std::string& old_display, const std::string& to) {
    std::size_t dot = std::string::npos;
    bool quoted = false;
    for (std::size_t i = 0; i < old_display.size(); ++i) {
        if (old_display[i] == '"') quoted = !quoted;
        else if (old_display[i] == '.' && !quoted) dot = i;
    }
    return (dot == std::string::npos ? std::string() : old_display.substr(0, dot + 1)) + quote_ident(to);
}

}  // namespace

void Catalog::rename(const std::string& from, const std::string& to) {
    remember(from);
    remember(to);
    m_owners.erase(from);
    m_owners.erase(to);
    if (auto query = m_view_queries.extract(from)) {
        query.key() = to;
        m_view_queries.insert_or_assign(to, std::move(query.mapped()));
    } else {
        m_view_queries.erase(to);
    }
    const auto* found = m_relations.get(from);
    if (found == nullptr) return;
    std::shared_ptr<const RelationInfo> node = *found;
    m_relations.erase(from);
    m_touched.push_back(to);
    RelationInfo& moved = own(node);
    moved.relname = to;
    moved.display = renamed_display(moved.display, to);
    m_relations.emplace(to, std::move(node));  // as std::map::insert: a relation named `to` stays
    std::vector<std::string> mentioning;  // changed after the walk: a change may copy the map's nodes
    for (const auto& [name, slot] : m_relations) {
        const RelationInfo& seen = *slot;
        bool mentions = contains(seen.children, from) || contains(seen.references, from) ||
                        contains(seen.referenced_by, from) || contains(seen.default_sequences, from) ||
                        seen.index_table == from || seen.parent == from || seen.default_partition == from ||
                        seen.owned_by == from ||
                        std::any_of(seen.foreign_keys.begin(), seen.foreign_keys.end(),
                                    [&](const auto& fk) { return fk.second.target == from; }) ||
                        std::any_of(seen.sources.begin(), seen.sources.end(),
                                    [&](const auto& source) { return source.first == from; }) ||
                        std::any_of(seen.rules.begin(), seen.rules.end(), [&](const auto& rule) {
                            return std::any_of(rule.second.locks.begin(), rule.second.locks.end(),
                                               [&](const auto& l) { return l.relname == from; });
                        });
        if (mentions) mentioning.push_back(name);
    }
    for (const std::string& name : mentioning) {
        RelationInfo& info = edit(name);
        for (auto* list : {&info.children, &info.references, &info.referenced_by, &info.default_sequences}) {
            std::replace(list->begin(), list->end(), from, to);
        }
        if (info.index_table == from) info.index_table = to;
        if (info.parent == from) info.parent = to;
        if (info.default_partition == from) info.default_partition = to;
        if (info.owned_by == from) info.owned_by = to;
        for (auto& [n, fk] : info.foreign_keys) {
            if (fk.target == from) fk.target = to;
        }
        for (auto& [rule, r] : info.rules) {
            for (auto& l : r.locks) {
                if (l.relname == from) {
                    l.relname = to;
                    l.display = renamed_display(l.display, to);
                }
            }
        }
        for (auto& [rel, display] : info.sources) {
            if (rel == from) {
                rel = to;
                display = renamed_display(display, to);
            }
        }
    }
}

ColumnInfo* Catalog::column(const std::string& relname, const std::string& column) {
    RelationInfo* rel = find(relname);
    if (rel == nullptr) return nullptr;
    auto it = rel->column_index.find(column);
    return it == rel->column_index.end() ? nullptr : &rel->columns[it->second];
}

void Catalog::add_columns(RelationInfo& rel, const std::vector<ColumnInfo>& columns) {
    for (const ColumnInfo& c : columns) {
        rel.column_index.emplace(c.name, rel.columns.size());  // a duplicate keeps the first, as a scan would
        rel.columns.push_back(c);
    }
}

void Catalog::set_columns(RelationInfo& rel, const std::vector<ColumnInfo>& columns) {
    rel.columns.clear();
    rel.column_index.clear();
    add_columns(rel, columns);
}

void Catalog::drop_column(const std::string& relname, const std::string& column) {
    RelationInfo* rel = find(relname);
    if (rel == nullptr || rel->column_index.count(column) == 0) return;
    std::vector<ColumnInfo> kept;
    kept.reserve(rel->columns.size());
    for (auto& c : rel->columns) {
        if (c.name != column) kept.push_back(std::move(c));
    }
    set_columns(*rel, kept);
    if (rel->fills.count(column) > 0) rel->fills.erase(column);
    // A CHECK that names the column goes with it (its dependency on the column is automatic).
    erase_if(rel->checks, [&](const auto& check) { return contains(check.second.columns, column); });
}

void Catalog::rename_column(const std::string& relname, const std::string& from, const std::string& to) {
    RelationInfo* rel = find(relname);
    if (rel == nullptr) return;
    auto it = rel->column_index.find(from);
    if (it == rel->column_index.end()) return;
    rel->columns[it->second].name = to;
    if (rel->fills.count(from) > 0) rel->fills.erase(from);
    if (rel->fills.count(to) > 0) rel->fills.erase(to);
    std::vector<ColumnInfo> all = std::move(rel->columns);
    set_columns(*rel, all);  // another column may carry either name: the first of each wins again
    // Indexes and foreign keys refer to the column by number: they follow the new name.
    for (auto& [n, fk] : rel->foreign_keys) std::replace(fk.columns.begin(), fk.columns.end(), from, to);
    // So do CHECKs; their expression as written names the old column: not tested any more.
    for (auto& [n, check] : rel->checks) {
        if (!contains(check.columns, from)) continue;
        std::replace(check.columns.begin(), check.columns.end(), from, to);
        std::sort(check.columns.begin(), check.columns.end());
        check.expression.clear();
    }
    // So do the keys that point at it, and views (which store column numbers).
    struct Mention {
        std::string name;
        bool view;
        bool index;
    };
    std::vector<Mention> mentioning;  // changed after the walk: a change may copy the map's nodes
    for (const auto& [name, slot] : m_relations) {
        const RelationInfo& seen = *slot;
        bool keys = std::any_of(seen.foreign_keys.begin(), seen.foreign_keys.end(), [&](const auto& fk) {
            return fk.second.target == relname && contains(fk.second.target_columns, from);
        });
        bool reads = std::any_of(seen.sources.begin(), seen.sources.end(), [&](const auto& s) { return s.first == relname; });
        bool view = reads && seen.source_columns.count(from) > 0;
        bool index = seen.kind == "index" && seen.index_table == relname && seen.index;
        if (keys || view || index) mentioning.push_back({name, view, index});
    }
    for (const auto& [name, view, index] : mentioning) {
        RelationInfo& info = edit(name);
        for (auto& [n, fk] : info.foreign_keys) {
            if (fk.target == relname) std::replace(fk.target_columns.begin(), fk.target_columns.end(), from, to);
        }
        if (view && info.source_columns.erase(from) > 0) info.source_columns.insert(to);
        if (!index) continue;
        std::replace(info.index->keys.begin(), info.index->keys.end(), from, to);
        if (info.index->uses.erase(from) > 0) info.index->uses.insert(to);
    }
}

std::vector<Catalog::ForeignKeyRef> Catalog::foreign_keys_to(const std::string& target) const {
    std::vector<ForeignKeyRef> out;
    for (const auto& [relname, info] : m_relations) {
        for (const auto& [name, key] : info->foreign_keys) {
            if (key.target == target) out.push_back({relname, info->display, name, key});
        }
    }
    return out;
}

std::vector<std::string> Catalog::tables_using_type(const std::string& type) const {
    std::vector<std::string> out;
    for (const auto& [name, info] : m_relations) {
        for (const auto& c : info->columns) {
            if (type_base(c.type) == type) {
                out.push_back(name);
                break;
            }
        }
    }
    return out;
}

std::vector<std::string> Catalog::descendants(const std::string& relname) const {
    std::vector<std::string> out;
    const RelationInfo* rel = find(relname);
    if (rel == nullptr) return out;
    for (const auto& child : rel->children) {
        if (std::find(out.begin(), out.end(), child) != out.end()) continue;
        out.push_back(child);
        for (auto& grandchild : descendants(child)) out.push_back(grandchild);
    }
    return out;
}

std::vector<const RelationInfo*> Catalog::indexes_of(const std::string& table) const {
    std::vector<const RelationInfo*> out;
    for (const auto& [name, info] : m_relations) {
        if (info->kind == "index" && info->index_table == table) out.push_back(info.get());
    }
    return out;
}

bool index_leads_with(const IndexDef& index, const std::vector<std::string>& columns) {
    if (index.partial || columns.empty() || index.keys.size() < columns.size()) return false;
    // The referential action looks rows up by equality: a B-tree's leading keys serve it in any
    // order; a hash index has a single key.
    if (index.method == "hash") return columns.size() == 1 && index.keys[0] == columns[0];
    if (index.method != "btree") return false;
    std::vector<std::string> leading(index.keys.begin(), index.keys.begin() + static_cast<long>(columns.size()));
    std::vector<std::string> wanted = columns;
    std::sort(leading.begin(), leading.end());
    std::sort(wanted.begin(), wanted.end());
    return leading == wanted;
}

namespace {

std::string fold_alias(const std::string& name) {
    static const std::map<std::string, std::string> k_aliases = {
        {"integer", "int4"}, {"int", "int4"}, {"smallint", "int2"}, {"bigint", "int8"},
        {"boolean", "bool"}, {"real", "float4"}, {"double precision", "float8"},
        {"character varying", "varchar"}, {"character", "bpchar"},
        {"decimal", "numeric"}, {"timestamp without time zone", "timestamp"},
        {"timestamp with time zone", "timestamptz"}, {"time without time zone", "time"},
        {"time with time zone", "timetz"}, {"bit varying", "varbit"},
        {"serial", "int4"}, {"serial4", "int4"}, {"bigserial", "int8"}, {"serial8", "int8"},
        {"smallserial", "int2"}, {"serial2", "int2"}};
    auto it = k_aliases.find(name);
    return it == k_aliases.end() ? name : it->second;
}

}  // namespace

std::string canonical_type(const TypeName* type_name) {
    if (type_name == nullptr || type_name->names == nullptr) return {};
    std::vector<std::string_view> parts;
    for (const pg::Node* n : pg::each(type_name->names)) parts.push_back(pg::text(n));
    if (parts.size() == 2 && parts[0] == "pg_catalog") parts.erase(parts.begin());
    std::string base;
    for (auto p : parts) (base += base.empty() ? "" : ".") += p;
    base = fold_alias(base);
    std::string mods;
    for (const pg::Node* m : pg::each(type_name->typmods)) {
        std::string v;
        if (const A_Const* c = pg::as<A_Const>(m); c != nullptr && !c->isnull) {
            if (c->val.node.type == T_Integer) v = std::to_string(c->val.ival.ival);
            else if (c->val.node.type == T_String) v = pg::text(c->val.sval.sval);
        } else if (pg::is<ColumnRef>(m)) {
            v = "?";
        }
        mods += (mods.empty() ? "" : ",") + v;
    }
    // Bare char means char(1); timestamp/time precision lists come as typmods too.
    if (base == "bpchar" && mods.empty() && parts.size() == 2) mods = "1";
    std::string out = base;
    if (!mods.empty()) out += "(" + mods + ")";
    if (type_name->arrayBounds != nullptr) out += "[]";
    return out;
}

std::string type_base(const std::string& canonical) {
    auto p = canonical.find_first_of("([");
    return p == std::string::npos ? canonical : canonical.substr(0, p);
}

void Catalog::set_fill(const std::string& relname, const std::string& column, ColumnFill fill) {
    if (RelationInfo* rel = find(relname)) rel->fills.insert_or_assign(column, std::move(fill));
}

void Catalog::clear_fills(const std::string& relname, const std::string& column) {
    const auto* slot = m_relations.get(relname);
    if (slot == nullptr || (*slot)->fills.empty()) return;
    if (!column.empty() && (*slot)->fills.count(column) == 0) return;
    RelationInfo& rel = edit(relname);
    if (column.empty()) rel.fills.clear();
    else rel.fills.erase(column);
}

void Catalog::clear_all_fills() {
    std::vector<std::string> filled;
    for (const auto& [name, slot] : m_relations) {
        if (!slot->fills.empty()) filled.push_back(name);
    }
    for (const std::string& name : filled) edit(name).fills.clear();
}

const ColumnFill* Catalog::fill(const std::string& relname, const std::string& column) const {
    const RelationInfo* rel = find(relname);
    if (rel == nullptr) return nullptr;
    auto it = rel->fills.find(column);
    return it == rel->fills.end() ? nullptr : &it->second;
}

}  // namespace pgfence::analyze

namespace pgfence::analyze {

namespace {

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

void Catalog::mark_named_unknown(std::string_view text) {
    m_unread_seen = true;
    // Bare words (what PostgreSQL folds to lower case) and quoted names ("AiUsage"), each once.
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '"') {
            std::size_t end = text.find('"', i + 1);
            if (end == std::string_view::npos) end = text.size();
            if (end > i + 1) m_named_unknown.insert_or_assign(lower_ascii(text.substr(i + 1, end - i - 1)), true);
            i = end + 1;
        } else if (std::isalnum(c) || c == '_' || c >= 0x80) {
            std::size_t end = i;
            while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_' || text[end] == '$' ||
                                         static_cast<unsigned char>(text[end]) >= 0x80)) {
                ++end;
            }
            m_named_unknown.insert_or_assign(lower_ascii(text.substr(i, end - i)), true);
            i = end;
        } else {
            ++i;
        }
    }
}

bool Catalog::maybe_made(std::string_view relname) const {
    return m_unknown_seen || (!m_named_unknown.empty() && m_named_unknown.get(lower_ascii(relname)) != nullptr);
}

}  // namespace pgfence::analyze
