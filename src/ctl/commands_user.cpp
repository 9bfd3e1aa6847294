// hearthctl's `user` command: web console accounts through the bridge requests user/add,
// user/remove and users (docs/web-console.md). The password is never an argument: it is read
// from --password-file FILE ("-" = stdin), or asked on the terminal with echo off, or read from
// stdin when there is no terminal.
#include "ctl/commands.hpp"

#include "ctl/table.hpp"

#include <fstream>
#include <iostream>

#include <termios.h>
#include <unistd.h>

namespace hearth::ctl {

using json = nlohmann::json;

namespace {

std::string without_newline(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

/// One line from stdin with the terminal's echo off (when stdin is a terminal).
std::string read_hidden_line(std::ostream& err, const std::string& prompt) {
    termios old{};
    const bool tty = ::isatty(STDIN_FILENO) == 1 && ::tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        err << prompt << std::flush;
    }
    std::string line;
    std::getline(std::cin, line);
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        err << "\n";
    }
    return without_newline(line);
}

std::string read_password(context& ctx) {
    std::string password;
    if (auto file = ctx.args.option("password-file"); file && *file != "-") {
        std::ifstream in(*file);
        if (!in) throw usage_error("--password-file: cannot read " + *file);
        std::getline(in, password);
        password = without_newline(password);
    } else {
        password = read_hidden_line(ctx.err, "Password: ");
        if (!ctx.args.option("password-file") && ::isatty(STDIN_FILENO) == 1 &&
            read_hidden_line(ctx.err, "Again: ") != password) {
            throw usage_error("the passwords differ");
        }
    }
    if (password.empty()) throw usage_error("the password is empty");
    return password;
}

json devices_option(const parsed_args& args) {
    json devices = json::array();
    auto list = args.option("devices");
    if (!list) return devices;
    std::string item;
    for (char c : *list + ",") {
        if (c != ',') {
            item += c;
        } else if (!item.empty()) {
            devices.push_back(item);
            item.clear();
        }
    }
    return devices;
}

}  // namespace

void check_user_args(const parsed_args& args) {
    const std::string& action = args.positional.at(0);
    if (action == "list") {
        if (args.positional.size() != 1) throw usage_error("usage: hearthctl user list");
    } else if (action == "add" || action == "remove") {
        if (args.positional.size() != 2) throw usage_error("usage: hearthctl user " + action + " NAME");
    } else {
        throw usage_error("unknown user action '" + action + "' (expected add, remove or list)");
    }
    if (args.has("admin") && args.option("role")) throw usage_error("give --admin or --role, not both");
}

int cmd_user(context& ctx) {
    const std::string& action = ctx.args.positional.at(0);
    if (action == "list") {
        const json users = call(ctx, "users");
        if (ctx.json_output) {
            print_json(ctx, users);
            return exit_ok;
        }
        table t({"NAME", "ROLE", "DEVICES"});
        for (const auto& u : users) {
            std::string devices;
            for (const auto& d : u.value("devices", json::array())) {
                if (d.is_string()) devices += (devices.empty() ? "" : ",") + d.get<std::string>();
            }
            t.add_row({u.value("name", ""), u.value("role", ""), devices});
        }
        ctx.out << t.render(ctx.color);
        return exit_ok;
    }
    const std::string& name = ctx.args.positional.at(1);
    if (action == "remove") {
        call(ctx, "user/remove", {{"name", name}});
        ctx.out << "removed user " << sanitize(name) << "\n";
        return exit_ok;
    }
    const std::string role = ctx.args.has("admin") ? "admin" : ctx.args.option("role").value_or("resident");
    json args = {{"name", name}, {"role", role}, {"password", read_password(ctx)}};
    if (const json devices = devices_option(ctx.args); !devices.empty()) args["devices"] = devices;
    const json added = call(ctx, "user/add", args);
    if (ctx.json_output) {
        print_json(ctx, added);
        return exit_ok;
    }
    ctx.out << "added user " << sanitize(name) << " (" << sanitize(role) << ")\n";
    return exit_ok;
}

}  // namespace hearth::ctl
