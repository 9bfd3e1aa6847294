// hearthctl's command-line parsing and value helpers (see cli_args.hpp).
#include "ctl/cli_args.hpp"

#include <cctype>
#include <limits>

namespace hearth::ctl {

std::optional<std::string> parsed_args::option(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
}

namespace {

const option_spec* find_spec(const std::vector<option_spec>& specs, const std::string& name) {
    for (const auto& s : specs) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

void add_positional(parsed_args& out, std::string token) {
    if (out.command.empty() && out.positional.empty()) {
        out.command = std::move(token);
    } else {
        out.positional.push_back(std::move(token));
    }
}

}  // namespace

parsed_args parse_args(const std::vector<std::string>& args, const std::vector<option_spec>& specs) {
    parsed_args out;
    bool options_done = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& token = args[i];
        if (options_done || token.size() < 2 || token[0] != '-' ||
            std::isdigit(static_cast<unsigned char>(token[1])) != 0) {
            add_positional(out, token);
            continue;
        }
        if (token == "--") {
            options_done = true;
            continue;
        }
        if (token == "-h") {
            out.flags.insert("help");
            continue;
        }
        if (token.rfind("--", 0) != 0) throw usage_error("unknown option '" + token + "'");
        std::string name = token.substr(2);
        std::optional<std::string> inline_value;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name.resize(eq);
        }
        const option_spec* spec = find_spec(specs, name);
        if (spec == nullptr) throw usage_error("unknown option '--" + name + "'");
        if (!spec->takes_value) {
            if (inline_value) throw usage_error("option '--" + name + "' takes no value");
            out.flags.insert(name);
            continue;
        }
        if (inline_value) {
            out.options[name] = *inline_value;
        } else {
            if (i + 1 >= args.size()) throw usage_error("option '--" + name + "' needs a value");
            out.options[name] = args[++i];
        }
    }
    return out;
}

nlohmann::json parse_value(const std::string& text) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return text;
    return j;
}

std::pair<std::string, nlohmann::json> parse_assignment(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos) throw usage_error("expected name=value, got '" + text + "'");
    if (eq == 0) throw usage_error("missing name before '=' in '" + text + "'");
    return {text.substr(0, eq), parse_value(text.substr(eq + 1))};
}

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
    if (text.empty()) return std::nullopt;
    constexpr long long max_ms = std::numeric_limits<long long>::max() / 2;
    long long total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        if (std::isdigit(static_cast<unsigned char>(text[i])) == 0) return std::nullopt;
        long long n = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
            const int digit = text[i] - '0';
            if (n > (max_ms - digit) / 10) return std::nullopt;  // checked before it can overflow
            n = n * 10 + digit;
            ++i;
        }
        if (i == text.size()) return std::nullopt;  // a unit is required
        long long unit = 0;
        switch (text[i]) {
        case 's': unit = 1000; break;
        case 'm': unit = 60LL * 1000; break;
        case 'h': unit = 3600LL * 1000; break;
        case 'd': unit = 86400LL * 1000; break;
        case 'w': unit = 7 * 86400LL * 1000; break;
        default: return std::nullopt;
        }
        ++i;
        if (n > (max_ms - total) / unit) return std::nullopt;
        total += n * unit;
    }
    if (total == 0) return std::nullopt;
    return std::chrono::milliseconds(total);
}

std::optional<long long> parse_count(const std::string& text, long long max) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    long long n = 0;
    for (char c : text) {
        if (std::isdigit(static_cast<unsigned char>(c)) == 0) return std::nullopt;
        n = n * 10 + (c - '0');
    }
    if (n > max) return std::nullopt;
    return n;
}

bool is_valid_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

}  // namespace hearth::ctl
