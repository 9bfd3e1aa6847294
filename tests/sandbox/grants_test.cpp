// Manifest parsing and config narrowing (src/sandbox/grants.hpp): the manifest is untrusted plugin
// data (strict parse, one-line errors), and the driver's config can only take grants away.
#include "sandbox/grants.hpp"

#include <gtest/gtest.h>

namespace {

using hearth::sandbox::grants;
using hearth::sandbox::narrow;
using hearth::sandbox::parse_manifest;
using json = nlohmann::json;

grants parsed(const std::string& text) {
    std::string error;
    auto g = parse_manifest(text, error);
    EXPECT_TRUE(g.has_value()) << error;
    return g.value_or(grants{});
}

std::string refused(const std::string& text) {
    std::string error;
    EXPECT_FALSE(parse_manifest(text, error).has_value()) << text;
    EXPECT_EQ(error.find('\n'), std::string::npos);
    return error;
}

TEST(sandbox_grants, empty_manifest_grants_nothing) {
    const auto g = parsed("");
    EXPECT_FALSE(g.network.any());
    EXPECT_TRUE(g.devices.empty());
    EXPECT_TRUE(g.read_paths.empty());
}

TEST(sandbox_grants, manifest_is_parsed) {
    const auto g = parsed(R"({"network": ["tcp_client", "udp"], "tcp_ports": [80, 80, 443],
                               "devices": ["/dev/ttyUSB0"], "read_paths": ["miot-models", "/usr/share/x"]})");
    EXPECT_TRUE(g.network.tcp_client);
    EXPECT_TRUE(g.network.udp);
    EXPECT_FALSE(g.network.tcp_server);
    ASSERT_TRUE(g.network.tcp_ports.has_value());
    EXPECT_EQ(*g.network.tcp_ports, (std::vector<std::uint16_t>{80, 443}));
    EXPECT_FALSE(g.network.listen_ports.has_value());  // any port
    EXPECT_EQ(g.devices, std::vector<std::string>{"/dev/ttyUSB0"});
    EXPECT_EQ(g.read_paths.size(), 2u);
}

TEST(sandbox_grants, bad_manifests_are_refused_with_the_reason) {
    EXPECT_NE(refused("{").find("not valid JSON"), std::string::npos);
    EXPECT_NE(refused("[]").find("JSON object"), std::string::npos);
    EXPECT_NE(refused(R"({"netwrok": []})").find("unknown manifest key 'netwrok'"), std::string::npos);
    EXPECT_NE(refused(R"({"network": ["telnet"]})").find("unknown kind \"telnet\""), std::string::npos);
    EXPECT_NE(refused(R"({"tcp_ports": [0]})").find("1..65535"), std::string::npos);
    EXPECT_NE(refused(R"({"tcp_ports": [70000]})").find("1..65535"), std::string::npos);
    EXPECT_NE(refused(R"({"devices": ["ttyUSB0"]})").find("absolute path"), std::string::npos);
    EXPECT_NE(refused(R"({"read_paths": ["../../etc"]})").find("no '..'"), std::string::npos);
    EXPECT_NE(refused(R"({"write_paths": ["data"]})").find("absolute path"), std::string::npos);
}

TEST(sandbox_grants, config_only_narrows) {
    const auto m = parsed(R"({"network": ["tcp_client", "udp"], "devices": ["/dev/ttyUSB0", "/dev/ttyACM0"]})");
    // Asking for more than the manifest declares grants nothing extra.
    const auto g = narrow(m, json::parse(R"({"network": ["tcp_client", "raw"], "tcp_ports": [8080],
                                             "devices": ["/dev/ttyACM0", "/dev/sda"]})"));
    EXPECT_TRUE(g.network.tcp_client);
    EXPECT_FALSE(g.network.udp);
    EXPECT_FALSE(g.network.raw);
    ASSERT_TRUE(g.network.tcp_ports.has_value());
    EXPECT_EQ(*g.network.tcp_ports, std::vector<std::uint16_t>{8080});
    EXPECT_EQ(g.devices, std::vector<std::string>{"/dev/ttyACM0"});
    // Port lists intersect.
    const auto m2 = parsed(R"({"network": ["tcp_client"], "tcp_ports": [80, 443]})");
    EXPECT_EQ(*narrow(m2, json::parse(R"({"tcp_ports": [443, 8443]})")).network.tcp_ports,
              std::vector<std::uint16_t>{443});
    // No narrowing object: the manifest as is.
    EXPECT_TRUE(narrow(m, json::object()).network.udp);
}

}  // namespace
