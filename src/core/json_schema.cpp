// Implementation of the JSON Schema subset validator (see json_schema.hpp).
#include "core/json_schema.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace hearth {
namespace {

using json = nlohmann::json;

std::string escape_token(const std::string& key) {
    std::string out;
    for (char c : key) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

bool type_matches(const std::string& type, const json& v) {
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "boolean") return v.is_boolean();
    if (type == "null") return v.is_null();
    if (type == "number") return v.is_number();
    if (type == "integer") {
        if (v.is_number_integer()) return true;
        if (v.is_number_float()) {
            // A whole number within the range of long long (casting one outside it is UB).
            constexpr double two_to_63 = 9223372036854775808.0;
            const double d = v.get<double>();
            return d >= -two_to_63 && d < two_to_63 && d == std::trunc(d);
        }
        return false;
    }
    return false;
}

/// Compiled patterns, cached: schemas repeat the same few patterns thousands of times. RE2 matches
/// in time linear in the input without recursion, so neither a hostile pattern in a plugin's
/// schema (`(a+)+$`) nor a long value can stall or overflow the stack as std::regex does.
/// nullptr: the pattern is not one RE2 accepts (backreferences, lookaround, a bad range, a
/// repetition over 1000, more than `max_mem` of program).
const RE2* compiled(const std::string& pattern) {
    constexpr std::size_t k_max_cached = 1024;  // distinct patterns; a schema has a few dozen
    thread_local std::unordered_map<std::string, std::unique_ptr<RE2>> cache;
    if (auto it = cache.find(pattern); it != cache.end()) return it->second.get();
    if (cache.size() >= k_max_cached) cache.clear();
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(std::int64_t{1} << 20);
    auto re = std::make_unique<RE2>(pattern, options);
    if (!re->ok()) re.reset();
    return cache.emplace(pattern, std::move(re)).first->second.get();
}

std::string describe(const json& v) {
    std::string s = v.dump();
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return s;
}

/// What an error may show of `v`: nothing when the schema marks the value "writeOnly" or
/// "x-secret" (a driver config's token; a PIN
/// hash, a password): a secret pasted into the wrong key must not be quoted into a journal.
std::string describe(const json& schema, const json& v) {
    for (const char* secret : {"writeOnly", "x-secret"}) {
        if (auto it = schema.find(secret); it != schema.end() && it->is_boolean() && it->get<bool>())
            return "the value (not shown: it may be a secret)";
    }
    std::string s = v.dump();
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return s;
}

class validator {
public:
    explicit validator(const json& root) : root_(root) {}

    void check(const json& schema, const json& v, const std::string& ptr, located_errors& out) {
        // A driver's schema is untrusted: a $ref cycle must end in an error, not a stack overflow.
        if (depth_ >= k_max_depth) {
            out.push_back(
                {"", ptr, "the schema nests deeper than " + std::to_string(k_max_depth) + " levels ($ref cycle?)"});
            return;
        }
        ++depth_;
        check_at_depth(schema, v, ptr, out);
        --depth_;
    }

private:
    static constexpr int k_max_depth = 128;

    void check_at_depth(const json& schema, const json& v, const std::string& ptr, located_errors& out) {
        if (schema.is_boolean()) {
            if (!schema.get<bool>()) out.push_back({"", ptr, "not allowed here"});
            return;
        }
        if (!schema.is_object()) return;
        if (auto it = schema.find("$ref"); it != schema.end() && it->is_string()) {
            if (const json* target = resolve(it->get<std::string>())) check(*target, v, ptr, out);
        }
        if (!check_type(schema, v, ptr, out)) return;
        check_enum(schema, v, ptr, out);
        if (v.is_number()) check_number(schema, v, ptr, out);
        if (v.is_string()) check_string(schema, v, ptr, out);
        if (v.is_object()) check_object(schema, v, ptr, out);
        if (v.is_array()) check_array(schema, v, ptr, out);
        check_combinators(schema, v, ptr, out);
    }

    const json* resolve(const std::string& ref) const {
        if (ref.rfind("#/", 0) != 0) return nullptr;
        try {
            const json& target = root_.at(json::json_pointer(ref.substr(1)));
            return &target;
        } catch (const std::exception&) {
            return nullptr;
        }
    }

    static bool check_type(const json& schema, const json& v, const std::string& ptr, located_errors& out) {
        auto it = schema.find("type");
        if (it == schema.end()) return true;
        std::vector<std::string> types;
        if (it->is_string()) types.push_back(it->get<std::string>());
        if (it->is_array()) {
            for (const auto& t : *it) {
                if (t.is_string()) types.push_back(t.get<std::string>());
            }
        }
        if (types.empty()) return true;
        for (const auto& t : types) {
            if (type_matches(t, v)) return true;
        }
        std::string expected = types.front();
        for (std::size_t i = 1; i < types.size(); ++i) expected += " or " + types[i];
        out.push_back({"", ptr, "expected " + expected + ", got " + json_type_name(v)});
        return false;
    }

    static void check_enum(const json& schema, const json& v, const std::string& ptr, located_errors& out) {
        if (auto it = schema.find("const"); it != schema.end() && *it != v) {
            out.push_back({"", ptr, "expected " + describe(*it) + ", got " + describe(schema, v)});
        }
        auto it = schema.find("enum");
        if (it == schema.end() || !it->is_array()) return;
        if (std::find(it->begin(), it->end(), v) != it->end()) return;
        std::string allowed;
        for (const auto& e : *it) allowed += (allowed.empty() ? "" : ", ") + e.dump();
        out.push_back({"", ptr, "value " + describe(schema, v) + " is not one of " + allowed});
    }

    static void check_number(const json& schema, const json& v, const std::string& ptr, located_errors& out) {
        const double d = v.get<double>();
        if (auto it = schema.find("minimum"); it != schema.end() && it->is_number() && d < it->get<double>()) {
            out.push_back({"", ptr, describe(v) + " is below the minimum " + it->dump()});
        }
        if (auto it = schema.find("maximum"); it != schema.end() && it->is_number() && d > it->get<double>()) {
            out.push_back({"", ptr, describe(v) + " is above the maximum " + it->dump()});
        }
    }

    static void check_string(const json& schema, const json& v, const std::string& ptr, located_errors& out) {
        const auto& s = v.get_ref<const std::string&>();
        if (auto it = schema.find("minLength"); it != schema.end() && s.size() < it->get<std::size_t>()) {
            out.push_back({"", ptr, "must be at least " + it->dump() + " characters long"});
        }
        if (auto it = schema.find("maxLength"); it != schema.end() && s.size() > it->get<std::size_t>()) {
            out.push_back({"", ptr, "must be at most " + it->dump() + " characters long"});
        }
        if (auto it = schema.find("pattern"); it != schema.end() && it->is_string()) {
            const auto& pattern = it->get_ref<const std::string&>();
            if (const RE2* re = compiled(pattern); re == nullptr) {
                out.push_back(
                    {"", ptr,
                     "the schema's pattern " + pattern +
                         " is not a supported regular expression (RE2 syntax: no backreferences or lookaround)"});
            } else if (!RE2::PartialMatch(s, *re)) {
                out.push_back({"", ptr, describe(schema, v) + " does not match the pattern " + pattern});
            }
        }
    }

    void check_object(const json& schema, const json& v, const std::string& ptr, located_errors& out) {
        const json* props = nullptr;
        if (auto it = schema.find("properties"); it != schema.end() && it->is_object()) props = &*it;
        if (auto it = schema.find("required"); it != schema.end() && it->is_array()) {
            for (const auto& r : *it) {
                if (r.is_string() && !v.contains(r.get<std::string>())) {
                    out.push_back({"", ptr, "missing required key '" + r.get<std::string>() + "'"});
                }
            }
        }
        auto additional = schema.find("additionalProperties");
        std::vector<std::string> known;
        if (props != nullptr) {
            for (const auto& [k, _] : props->items()) known.push_back(k);
        }
        for (const auto& [key, value] : v.items()) {
            const std::string child = ptr + "/" + escape_token(key);
            if (props != nullptr && props->contains(key)) {
                check(props->at(key), value, child, out);
            } else if (additional != schema.end()) {
                if (additional->is_boolean() && !additional->get<bool>()) {
                    std::string reason = "unknown key '" + key + "'";
                    const std::string guess = closest_match(key, known);
                    if (!guess.empty()) reason += " (did you mean '" + guess + "'?)";
                    out.push_back({"", child, reason});
                } else {
                    check(*additional, value, child, out);
                }
            }
        }
    }

    void check_array(const json& schema, const json& v, const std::string& ptr, located_errors& out) {
        if (auto it = schema.find("minItems"); it != schema.end() && v.size() < it->get<std::size_t>()) {
            out.push_back({"", ptr, "must have at least " + it->dump() + " items"});
        }
        if (auto it = schema.find("maxItems"); it != schema.end() && v.size() > it->get<std::size_t>()) {
            out.push_back({"", ptr, "must have at most " + it->dump() + " items"});
        }
        if (auto it = schema.find("uniqueItems"); it != schema.end() && it->is_boolean() && it->get<bool>()) {
            for (std::size_t i = 0; i < v.size(); ++i) {
                for (std::size_t j = i + 1; j < v.size(); ++j) {
                    if (v[i] == v[j])
                        out.push_back({"", ptr + "/" + std::to_string(j), "duplicate item " + describe(v[j])});
                }
            }
        }
        if (auto it = schema.find("items"); it != schema.end()) {
            for (std::size_t i = 0; i < v.size(); ++i) check(*it, v[i], ptr + "/" + std::to_string(i), out);
        }
    }

    void check_combinators(const json& schema, const json& v, const std::string& ptr, located_errors& out) {
        for (const char* kw : {"oneOf", "anyOf"}) {
            auto it = schema.find(kw);
            if (it == schema.end() || !it->is_array() || it->empty()) continue;
            std::vector<located_errors> results;
            std::size_t matches = 0;
            for (const auto& alt : *it) {
                located_errors errs;
                check(alt, v, ptr, errs);
                if (errs.empty()) ++matches;
                results.push_back(std::move(errs));
            }
            const bool one = std::string(kw) == "oneOf";
            if (matches == 1 || (!one && matches > 1)) continue;
            if (matches > 1) {
                out.push_back({"", ptr, "matches more than one of the allowed forms"});
                continue;
            }
            // Report the errors of the closest alternative: the one with the fewest problems.
            auto best = std::min_element(results.begin(), results.end(),
                                         [](const auto& a, const auto& b) { return a.size() < b.size(); });
            out.insert(out.end(), best->begin(), best->end());
        }
    }

    const json& root_;
    int depth_ = 0;
};

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1);
    std::vector<std::size_t> cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

}  // namespace

std::string json_type_name(const nlohmann::json& value) {
    if (value.is_object()) return "object";
    if (value.is_array()) return "array";
    if (value.is_string()) return "string";
    if (value.is_boolean()) return "boolean";
    if (value.is_null()) return "null";
    if (value.is_number_integer()) return "integer";
    return "number";
}

located_errors validate_json_schema(const nlohmann::json& schema, const nlohmann::json& instance) {
    located_errors out;
    validator(schema).check(schema, instance, "", out);
    return out;
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = 3;  // at most two edits away counts as a likely typo
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_distance && d < std::max<std::size_t>(c.size(), 2)) {
            best_distance = d;
            best = c;
        }
    }
    return best;
}

}  // namespace hearth
