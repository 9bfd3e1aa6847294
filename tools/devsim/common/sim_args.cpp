// Role: implementation of the simulators' shared command-line walker (sim_args.hpp).
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "sim_args.hpp"

#include <boost/asio/ip/address_v4.hpp>

#include <charconv>

namespace hearth::devsim {

bool sim_args::next() {
    if (index_ + 1 >= argc_) return false;
    flag_ = argv_[++index_];
    if (flag_ == "--help" || flag_ == "-h") throw help_request{};
    return true;
}

std::string sim_args::value() {
    if (index_ + 1 >= argc_) throw usage_error(flag_ + " needs a value");
    return argv_[++index_];
}

long long sim_args::number(long long min, long long max) {
    const std::string text = value();
    long long v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size() || v < min || v > max)
        throw usage_error(flag_ + " needs a number between " + std::to_string(min) + " and " + std::to_string(max));
    return v;
}

std::uint16_t sim_args::port() { return static_cast<std::uint16_t>(number(1, 65535)); }

std::string sim_args::loopback_address() {
    std::string text = value();
    boost::system::error_code ec;
    const auto addr = boost::asio::ip::make_address_v4(text, ec);
    if (ec || !addr.is_loopback()) throw usage_error(flag_ + " must be an IPv4 loopback address (127.x.y.z)");
    return text;
}

bool sim_args::net_option(net_options& o, bool with_control_port) {
    if (is("--port"))
        o.port = port();
    else if (is("--address"))
        o.address = loopback_address();
    else if (is("--control-port") && with_control_port)
        o.control_port = port();
    else if (is("--verbose"))
        o.verbose = true;
    else
        return false;
    return true;
}

void sim_args::unknown() const { throw usage_error("unknown argument " + flag_); }

}  // namespace hearth::devsim
