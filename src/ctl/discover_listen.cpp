// `hearthctl discover` (see discover.hpp): listens for Tuya discovery broadcasts on UDP (6666
// plain, 6667 encrypted by default) for --seconds, and reads a Zigbee2MQTT instance's retained
// <base>/bridge/devices from the broker, then prints what was found and the config snippets.
// It connects to the broker only for the z2m source, so a Tuya-only search works without one.
#include "ctl/commands.hpp"
#include "ctl/discover.hpp"

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>

namespace hearth::ctl {

namespace {

namespace asio = boost::asio;
using asio::ip::udp;

constexpr int k_default_seconds = 6;  // Tuya devices broadcast about every 5 s
constexpr int k_max_seconds = 300;

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) out.push_back(item);
    return out;
}

int seconds_arg(const parsed_args& args) {
    const auto v = args.option("seconds");
    if (!v) return k_default_seconds;
    int n = 0;
    try {
        std::size_t used = 0;
        n = std::stoi(*v, &used);
        if (used != v->size()) n = 0;
    } catch (const std::exception&) {
        n = 0;
    }
    if (n < 1 || n > k_max_seconds) throw usage_error("--seconds must be a whole number from 1 to 300");
    return n;
}

std::set<std::string> sources_arg(const parsed_args& args) {
    std::set<std::string> out;
    for (const auto& s : split_list(args.option("source").value_or("tuya,z2m"))) {
        if (s != "tuya" && s != "z2m") throw usage_error("--source takes tuya, z2m or tuya,z2m (got '" + s + "')");
        out.insert(s);
    }
    if (out.empty()) throw usage_error("--source takes tuya, z2m or tuya,z2m");
    return out;
}

std::vector<std::uint16_t> ports_arg(const parsed_args& args) {
    std::vector<std::uint16_t> out;
    for (const auto& p : split_list(args.option("tuya-ports").value_or("6666,6667"))) {
        int n = 0;
        try {
            std::size_t used = 0;
            n = std::stoi(p, &used);
            if (used != p.size()) n = 0;
        } catch (const std::exception&) {
            n = 0;
        }
        if (n < 1 || n > 65535) throw usage_error("--tuya-ports takes UDP ports 1..65535, comma-separated");
        out.push_back(static_cast<std::uint16_t>(n));
    }
    if (out.empty()) throw usage_error("--tuya-ports takes at least one port");
    return out;
}

asio::ip::address listen_arg(const parsed_args& args) {
    boost::system::error_code ec;
    const auto a = asio::ip::make_address_v4(args.option("listen").value_or("0.0.0.0"), ec);
    if (ec) throw usage_error("--listen takes an IPv4 address (e.g. 0.0.0.0 or 127.0.0.1)");
    return a;
}

std::string z2m_base_arg(const parsed_args& args) {
    std::string base = args.option("z2m-base").value_or("zigbee2mqtt");
    if (base.empty() || base.size() > 200 || base.find_first_of("#+") != std::string::npos || base.back() == '/')
        throw usage_error("--z2m-base takes a topic without wildcards or a trailing '/'");
    return base;
}

/// One UDP socket that feeds every datagram it receives to the findings.
class tuya_listener {
public:
    tuya_listener(asio::io_context& io, const udp::endpoint& at, discovery_findings& findings)
        : socket_(io), findings_(findings) {
        socket_.open(at.protocol());
        socket_.set_option(asio::socket_base::reuse_address(true));
        socket_.bind(at);
        receive();
    }

private:
    void receive() {
        socket_.async_receive_from(asio::buffer(buffer_), sender_, [this](boost::system::error_code ec, std::size_t n) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) {
                add_tuya_datagram(findings_, std::span<const std::uint8_t>(buffer_.data(), n),
                                  sender_.address().to_string());
            }
            receive();
        });
    }

    udp::socket socket_;
    udp::endpoint sender_;
    std::array<std::uint8_t, 4096> buffer_{};
    discovery_findings& findings_;
};

}  // namespace

void check_discover_args(const parsed_args& args) {
    seconds_arg(args);
    sources_arg(args);
    ports_arg(args);
    listen_arg(args);
    z2m_base_arg(args);
}

int cmd_discover(context& ctx) {
    const auto seconds = std::chrono::seconds(seconds_arg(ctx.args));
    const auto sources = sources_arg(ctx.args);
    discovery_findings findings;
    const auto deadline = std::chrono::steady_clock::now() + seconds;

    asio::io_context io;
    std::vector<std::unique_ptr<tuya_listener>> listeners;
    if (sources.contains("tuya")) {
        const auto address = listen_arg(ctx.args);
        for (const auto port : ports_arg(ctx.args)) {
            try {
                listeners.push_back(std::make_unique<tuya_listener>(io, udp::endpoint(address, port), findings));
            } catch (const boost::system::system_error& e) {
                ctx.err << "hearthctl: cannot listen on UDP " << address.to_string() << ":" << port << ": "
                        << e.code().message() << "\n";
            }
        }
        if (listeners.empty() && !sources.contains("z2m"))
            throw ctl_failure(exit_daemon_error, "no UDP port to listen on for Tuya broadcasts");
    }
    if (!listeners.empty()) {
        ctx.err << "Listening for Tuya broadcasts for " << seconds.count() << " s...\n";
        io.run_until(deadline);
    }
    std::optional<std::string> devices;
    if (sources.contains("z2m")) {
        findings.z2m_searched = true;
        findings.z2m_base = z2m_base_arg(ctx.args);
        findings.z2m_url = ctx.client.broker_url();
        // The retained list arrives right after the subscription is confirmed; after a Tuya
        // search, a second is plenty, alone the whole --seconds.
        const auto until = listeners.empty() ? deadline : std::chrono::steady_clock::now() + std::chrono::seconds(1);
        devices = ctx.client.first_message(findings.z2m_base + "/bridge/devices", until);
    }
    if (devices) add_z2m_devices(findings, *devices);

    if (ctx.json_output) {
        print_json(ctx, findings_json(findings));
    } else {
        ctx.out << render_findings(findings, ctx.color);
    }
    return exit_ok;
}

}  // namespace hearth::ctl
