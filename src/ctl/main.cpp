// hearthctl entry point: parses the command line, answers --help/--version without a broker,
// checks the command's usage, reads the connection settings, connects and dispatches to the
// command. Every failure ends with a documented exit code (see ctl_client.hpp: 0 ok, 1 daemon
// error, 2 usage, 3 no broker, 4 timeout) and one line on stderr.
#include "ctl/audit_verify.hpp"
#include "ctl/cli_args.hpp"
#include "ctl/commands.hpp"
#include "ctl/commands_community.hpp"
#include "ctl/ctl_client.hpp"
#include "ctl/settings.hpp"

#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#ifndef HEARTH_VERSION
#define HEARTH_VERSION "0.0.0"
#endif

namespace {

using namespace hearth::ctl;

int usage_failure(const std::string& message) {
    std::cerr << "hearthctl: " << message << "\nTry 'hearthctl --help'.\n";
    return exit_usage;
}

int run(const std::vector<std::string>& argv) {
    parsed_args args = parse_args(argv, all_option_specs());
    if (args.has("version")) {
        std::cout << "hearthctl " << HEARTH_VERSION << "\n";
        return exit_ok;
    }
    if (args.command == "help") {
        if (args.positional.empty()) {
            std::cout << general_help();
            return exit_ok;
        }
        const command_info* cmd = find_command(args.positional[0]);
        if (cmd == nullptr) return usage_failure("unknown command '" + args.positional[0] + "'");
        std::cout << command_help(*cmd);
        return exit_ok;
    }
    if (args.command.empty()) {
        if (args.has("help")) {
            std::cout << general_help();
            return exit_ok;
        }
        return usage_failure("no command given");
    }
    const command_info* cmd = find_command(args.command);
    if (cmd == nullptr) return usage_failure("unknown command '" + args.command + "'");
    if (args.has("help")) {
        std::cout << command_help(*cmd);
        return exit_ok;
    }
    validate_usage(*cmd, args);
    const client_settings settings = make_settings(args, std::cerr);
    ctl_client client(settings);
    if (cmd->needs_broker) client.connect();
    context ctx{args, client, std::cout, std::cerr, args.has("json"), ::isatty(STDOUT_FILENO) == 1};
    const int code = cmd->run(ctx);
    std::cout.flush();
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    // Offline: reads the database file, needs no broker.
    if (!args.empty() && args[0] == "audit") {
        return run_audit_command(std::vector<std::string>(args.begin() + 1, args.end()), std::cout, std::cerr);
    }
    // hearth-community's database and cluster, not hearthd (commands_community.hpp).
    if (!args.empty() && args[0] == "--community") {
        return run_community_command(std::vector<std::string>(args.begin() + 1, args.end()), std::cout, std::cerr);
    }
    try {
        return run(args);
    } catch (const usage_error& e) {
        return usage_failure(e.what());
    } catch (const ctl_failure& e) {
        std::cerr << (e.code() == exit_daemon_error ? "hearthctl: error: " : "hearthctl: ") << e.what() << "\n";
        return e.code();
    } catch (const nlohmann::json::exception& e) {
        std::cerr << "hearthctl: unexpected answer from hearthd: " << e.what() << "\n";
        return exit_daemon_error;
    } catch (const std::exception& e) {
        std::cerr << "hearthctl: " << e.what() << "\n";
        return exit_daemon_error;
    }
}
