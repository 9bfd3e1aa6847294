// hearthctl's lock side: reading a PIN without putting it in argv (prompt with echo off, or
// --code-file FILE, "-" = stdin), turning it into a challenge response (the PIN never travels;
// docs/security.md) and the `lock` command (status, lock, unlock, unlatch).
#include "ctl/commands.hpp"

#include "core/lock_policy.hpp"

#include <fstream>
#include <iostream>

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace hearth::ctl {

using json = nlohmann::json;

namespace {

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

/// Reads one line from the terminal with echo off; nullopt if there is no terminal.
std::optional<std::string> prompt_tty(const std::string& prompt) {
    const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    termios old{};
    const bool is_tty = ::tcgetattr(fd, &old) == 0;
    if (is_tty) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    (void)!::write(fd, prompt.data(), prompt.size());
    std::string line;
    char c = 0;
    while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
    (void)!::write(fd, "\n", 1);
    if (is_tty) ::tcsetattr(fd, TCSAFLUSH, &old);
    ::close(fd);
    return trimmed(line);
}

}  // namespace

std::optional<std::string> read_code(const parsed_args& args) {
    std::string pin;
    if (auto file = args.option("code-file")) {
        if (*file == "-") {
            std::getline(std::cin, pin);
        } else {
            std::ifstream in(*file);
            if (!in) throw usage_error("--code-file: cannot read " + *file);
            std::getline(in, pin);
        }
    } else if (args.has("code")) {
        if (::isatty(STDIN_FILENO) == 1) {
            auto typed = prompt_tty("PIN: ");
            if (!typed) throw usage_error("--code: no terminal to ask for the PIN on; use --code-file FILE or -");
            pin = *typed;
        } else {
            std::getline(std::cin, pin);
        }
    } else {
        return std::nullopt;
    }
    pin = trimmed(pin);
    if (pin.empty()) throw usage_error("the PIN is empty");
    return pin;
}

std::string challenge_code(ctl_client& client, const std::string& device, const std::string& operation,
                           const std::string& pin) {
    const json c = data_of(client.request("lock/challenge", {{"device", device}, {"operation", operation}}));
    if (!c.is_object() || !c.contains("nonce") || !c.contains("salt") || !c.contains("iterations") ||
        !c["nonce"].is_string() || !c["salt"].is_string() || !c["iterations"].is_number_integer())
        throw ctl_failure(exit_daemon_error, "hearthd sent a malformed lock challenge");
    return challenge_response(pin, c["salt"].get<std::string>(), c["iterations"].get<int>(),
                              c["nonce"].get<std::string>(), device, operation);
}

void check_lock_args(const parsed_args& args) {
    const std::string& sub = args.positional.at(0);
    if (sub != "status" && sub != "lock" && sub != "unlock" && sub != "unlatch")
        throw usage_error("lock: '" + sub + "' is not one of status, lock, unlock, unlatch");
    parsed_args rest = args;
    rest.positional.erase(rest.positional.begin());
    device_arg(rest);
}

int cmd_lock(context& ctx) {
    const std::string sub = ctx.args.positional.at(0);
    parsed_args rest = ctx.args;
    rest.positional.erase(rest.positional.begin());
    const std::string id = device_arg(rest);
    if (sub == "status") {
        const json s = call(ctx, "lock/status", {{"device", id}});
        if (ctx.json_output) {
            print_json(ctx, s);
            return exit_ok;
        }
        auto text = [&](const char* key) { return s.contains(key) ? s[key].dump() : std::string("?"); };
        ctx.out << id << ": " << s.value("lock_state", std::string("?"))
                << (bool_field(s, "online") ? "" : " (offline)") << "\n  PIN: " << s.value("pin", std::string("?"))
                << "\n  wrong codes: " << text("wrong_codes") << " (" << text("attempts_left") << " attempts left of "
                << text("max_attempts") << ")\n";
        if (bool_field(s, "locked_out")) {
            ctx.out << "  LOCKED OUT for another " << text("locked_out_for_s") << " s\n";
        } else {
            ctx.out << "  not locked out\n";
        }
        const std::int64_t now = now_ms();
        if (int_field(s, "relock_due") > 0) {
            ctx.out << "  auto-relock due in " << std::max<std::int64_t>(0, (int_field(s, "relock_due") - now) / 1000)
                    << " s\n";
        }
        if (int_field(s, "left_unlocked_alarm_due") > 0) {
            ctx.out << "  'left unlocked' alarm due in "
                    << std::max<std::int64_t>(0, (int_field(s, "left_unlocked_alarm_due") - now) / 1000) << " s\n";
        }
        return exit_ok;
    }
    json payload = {{"command", sub}};
    if (auto pin = read_code(ctx.args)) payload["code"] = challenge_code(ctx.client, id, sub, *pin);
    const json data = data_of(ctx.client.set(id, std::move(payload)));
    if (ctx.json_output) {
        print_json(ctx, data);
    } else {
        ctx.out << "ok: " << id << " " << sub << "\n";
    }
    return exit_ok;
}

}  // namespace hearth::ctl
