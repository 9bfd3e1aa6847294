// Role: the command-line reading every devsim simulator shares: a flag-by-flag walker over argv
// with checked values (numbers in a range, ports, loopback addresses), and the one way a
// simulator reports a command-line mistake (its name, the reason and its usage text on stderr,
// exit 2) or answers --help (usage on stdout, exit 0). Each simulator keeps only its own flags.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hearth::devsim {

/// A command-line mistake: parse_or_exit() prints it with the usage text and exits 2.
class usage_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Thrown by sim_args::next() at "--help" or "-h": parse_or_exit() prints the usage and exits 0.
struct help_request {};

/// The options the network simulators (esphome_sim, miio_sim, tuya_sim) share; a simulator's
/// options struct derives from it.
struct net_options {
    std::string address = "127.0.0.1";  ///< --address: the IPv4 loopback address to serve on
    std::uint16_t port = 0;             ///< --port (required)
    std::uint16_t control_port = 0;     ///< --control-port; 0: no control port
    bool verbose = false;               ///< --verbose
};

/// Walks argv flag by flag. Contract:
///   sim_args args(argc, argv);
///   while (args.next()) {
///       if (args.net_option(o)) continue;  // --port, --address, --control-port, --verbose
///       if (args.is("--name")) o.name = args.value();
///       else args.unknown();
///   }
/// Every mistake throws usage_error with a message that names the flag.
class sim_args {
public:
    sim_args(int argc, char** argv) : argc_(argc), argv_(argv) {}

    /// Moves to the next flag; false when none is left. Throws help_request at --help or -h.
    bool next();
    /// The current flag.
    [[nodiscard]] const std::string& flag() const { return flag_; }
    /// Whether the current flag is `name`.
    [[nodiscard]] bool is(std::string_view name) const { return flag_ == name; }
    /// Consumes and returns the value after the current flag; usage_error "<flag> needs a value"
    /// when argv ends.
    std::string value();
    /// value() as a whole decimal number in [min, max]; usage_error "<flag> needs a number
    /// between <min> and <max>" otherwise.
    long long number(long long min, long long max);
    /// value() as a TCP/UDP port, 1 to 65535.
    std::uint16_t port();
    /// value() as an IPv4 loopback address (127.x.y.z); usage_error otherwise.
    std::string loopback_address();
    /// Consumes the current flag into `o` when it is a shared network option (--port, --address,
    /// --verbose, and --control-port when `with_control_port`); false for any other flag.
    bool net_option(net_options& o, bool with_control_port = true);
    /// Throws usage_error "unknown argument <flag>".
    [[noreturn]] void unknown() const;

private:
    int argc_;
    char** argv_;
    int index_ = 0;
    std::string flag_;
};

/// Returns parse(); when it throws std::invalid_argument (usage_error, or a simulator's own
/// value parser) prints "<program>: <what>" and `usage` (which ends with a newline) to stderr and
/// exits 2; on help_request prints `usage` to stdout and exits 0.
template <class Parse>
auto parse_or_exit(std::string_view program, std::string_view usage, Parse&& parse) -> decltype(parse()) {
    try {
        return parse();
    } catch (const help_request&) {
        std::cout << usage;
        std::exit(0);
    } catch (const std::invalid_argument& e) {
        std::cerr << program << ": " << e.what() << "\n" << usage;
        std::exit(2);
    }
}

}  // namespace hearth::devsim
