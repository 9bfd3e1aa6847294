// hearthctl matter (docs/matter.md): the Matter bridge's status (`matter`), its pairing codes and
// QR code (`matter pairing`, which also opens a new commissioning window for a second ecosystem),
// and the fabrics (ecosystems) it is paired with (`matter fabrics`, `matter fabrics remove N`).
// hearth-matter answers on <base>/bridge/matter/{state,request,response}; hearthd is not involved.
#include "ctl/commands.hpp"

#include "ctl/table.hpp"

#include <ostream>
#include <sstream>

namespace hearth::ctl {

using json = nlohmann::json;

namespace {

std::string text_field(const json& item, const char* key) {
    if (!item.is_object()) return {};
    auto it = item.find(key);
    if (it == item.end()) return {};
    return it->is_string() ? it->get<std::string>() : (it->is_null() ? std::string() : it->dump());
}

/// Prints a QR code drawn in text: only its lines, each sanitized (it came from the network).
void print_qr(const std::string& qr_text, std::ostream& out) {
    std::istringstream lines(qr_text);
    for (std::string line; std::getline(lines, line);) out << sanitize(line) << "\n";
}

json matter_call(context& ctx, const std::string& name, json args = json::object()) {
    try {
        return data_of(ctx.client.matter_request(name, std::move(args)));
    } catch (const ctl_failure& e) {
        if (e.code() != exit_timeout) throw;
        throw ctl_failure(exit_timeout, std::string(e.what()) +
                                            " — is hearth-matter running? (\"matter\": {\"enabled\": true} in the "
                                            "main config; `hearthctl matter` shows its status)");
    }
}

}  // namespace

void render_matter_state(const json& state, std::ostream& out) {
    if (!state.is_object() || text_field(state, "state") != "online") {
        out << "hearth-matter: offline\n";
        return;
    }
    out << "hearth-matter: online, Matter port " << int_field(state, "port") << ", " << int_field(state, "devices")
        << " device(s) bridged, " << (bool_field(state, "commissioned") ? "commissioned" : "not commissioned yet")
        << "\n";
    const json fabrics = state.value("fabrics", json::array());
    if (fabrics.is_array()) out << "fabrics: " << fabrics.size() << " (hearthctl matter fabrics)\n";
    const json skipped = state.value("skipped", json::array());
    if (skipped.is_array()) {
        for (const auto& s : skipped) {
            out << "not bridged: " << sanitize(text_field(s, "device")) << " (" << sanitize(text_field(s, "reason"))
                << ")\n";
        }
    }
}

void render_matter_pairing(const json& pairing, std::ostream& out) {
    const std::string qr_text = text_field(pairing, "qr_text");
    if (!qr_text.empty()) print_qr(qr_text, out);
    out << "manual pairing code: " << sanitize(text_field(pairing, "manual_code")) << "\n"
        << "QR code payload:     " << sanitize(text_field(pairing, "qr_code")) << "\n"
        << "In the Apple Home, Google Home or Home Assistant app: add a Matter device and scan the\n"
           "QR code or type the manual code (docs/matter.md).\n";
}

void render_matter_fabrics(const json& data, std::ostream& out, bool color) {
    const json list = data.is_object() ? data.value("fabrics", json::array()) : json::array();
    if (!list.is_array() || list.empty()) {
        out << "no fabrics: the bridge is not paired with any ecosystem (hearthctl matter pairing)\n";
        return;
    }
    table t({"INDEX", "LABEL", "VENDOR", "FABRIC ID"});
    for (const auto& f : list) {
        t.add_row({std::to_string(int_field(f, "index")), text_field(f, "label"), text_field(f, "vendor_id"),
                   text_field(f, "fabric_id")});
    }
    t.align_right(0);
    out << t.render(color);
}

void check_matter(const parsed_args& args) {
    const auto& p = args.positional;
    if (p.empty()) return;
    if (p[0] == "pairing") {
        if (p.size() != 1) throw usage_error("'matter pairing' takes no arguments");
        return;
    }
    if (p[0] != "fabrics") {
        throw usage_error("unknown matter subcommand '" + p[0] + "' (expected pairing or fabrics)");
    }
    if (p.size() == 1) return;
    if (p[1] != "remove" || p.size() != 3) throw usage_error("usage: hearthctl matter fabrics [remove INDEX]");
    const std::string& index = p[2];
    if (index.empty() || index.size() > 3 || index.find_first_not_of("0123456789") != std::string::npos) {
        throw usage_error("'" + sanitize(index) + "' is not a fabric index (a number from 'hearthctl matter fabrics')");
    }
}

int cmd_matter(context& ctx) {
    check_matter(ctx.args);
    const auto& p = ctx.args.positional;
    if (p.empty()) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        const auto payload = ctx.client.first_message(ctx.client.base() + "/bridge/matter/state", deadline);
        const json state = payload ? json::parse(*payload, nullptr, false) : json();
        if (ctx.json_output) {
            print_json(ctx, state.is_discarded() ? json() : state);
        } else {
            render_matter_state(state, ctx.out);
        }
        return exit_ok;
    }
    if (p[0] == "pairing") {
        const json data = matter_call(ctx, "pairing");
        if (ctx.json_output) {
            print_json(ctx, data);
        } else {
            render_matter_pairing(data, ctx.out);
        }
        return exit_ok;
    }
    if (p.size() == 3) {
        const json data = matter_call(ctx, "fabric/remove", {{"index", std::stoi(p[2])}});
        if (ctx.json_output) {
            print_json(ctx, data);
        } else {
            ctx.out << "removed fabric " << p[2] << ": that ecosystem no longer controls Hearth's devices\n";
        }
        return exit_ok;
    }
    const json data = matter_call(ctx, "fabrics");
    if (ctx.json_output) {
        print_json(ctx, data);
    } else {
        render_matter_fabrics(data, ctx.out, ctx.color);
    }
    return exit_ok;
}

}  // namespace hearth::ctl
