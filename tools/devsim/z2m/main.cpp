// Role: z2m_sim, a simulated Zigbee2MQTT instance for the z2m driver tests and manual experiments:
// an MQTT client (Paho) of a real broker that publishes what Zigbee2MQTT publishes for the devices
// of a bridge/devices fixture (sim_bridge.hpp) and answers `<base>/<name>/set` and `/get`.
// Fault injection and scripted device behaviour arrive as JSON on `<base>/hearth_sim/control`
// (an MQTT simulator's control channel is a topic; each request is answered on
// `<base>/hearth_sim/reply`); every `/set` it applied is echoed on `<base>/hearth_sim/received`.
// Control requests ({"op": ...}): state {device, state} (the device changes or an `action`),
// availability {device, online}, bridge {online}, rename {device, to}, remove {device},
// interview {device} (completes a --interviewing device), malformed {device} (invalid JSON),
// wrong_types {device}, oversized {device, bytes}, raw {topic, payload, repeat, retain}.
//
// Usage: z2m_sim --port BROKER_PORT --fixture FILE [--base zigbee2mqtt] [--interviewing NAME]...
//                [--verbose]
#include "sim_args.hpp"
#include "sim_bridge.hpp"

#include <mqtt/client.h>

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>

namespace {

std::atomic<bool> g_stop{false};

constexpr const char* k_usage =
    "usage: z2m_sim --port BROKER_PORT --fixture FILE [--base zigbee2mqtt] [--interviewing NAME]... [--verbose]\n";

struct options {
    std::string port;
    std::string fixture;
    std::string base = "zigbee2mqtt";
    std::set<std::string> interviewing;
    bool verbose = false;
    z2m_sim::json devices;
};

options parse_args(int argc, char** argv) {
    using hearth::devsim::usage_error;
    options o;
    hearth::devsim::sim_args args(argc, argv);
    while (args.next()) {
        if (args.is("--port")) {
            o.port = std::to_string(args.port());
        } else if (args.is("--fixture")) {
            o.fixture = args.value();
        } else if (args.is("--base")) {
            o.base = args.value();
        } else if (args.is("--interviewing")) {
            o.interviewing.insert(args.value());
        } else if (args.is("--verbose")) {
            o.verbose = true;
        } else {
            args.unknown();
        }
    }
    if (o.port.empty() || o.fixture.empty()) throw usage_error("--port and --fixture are required");
    std::ifstream in(o.fixture);
    o.devices = z2m_sim::json::parse(in, nullptr, false);
    if (!o.devices.is_array()) throw usage_error("the fixture is not a JSON array: " + o.fixture);
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const options o = hearth::devsim::parse_or_exit("z2m_sim", k_usage, [&] { return parse_args(argc, argv); });
    const std::string& port = o.port;
    const std::string& base = o.base;
    const z2m_sim::json& devices = o.devices;
    const bool verbose = o.verbose;
    z2m_sim::bridge sim(base, devices, o.interviewing);
    std::signal(SIGTERM, [](int) { g_stop = true; });
    std::signal(SIGINT, [](int) { g_stop = true; });
    try {
        mqtt::client client("tcp://127.0.0.1:" + port, "z2m_sim-" + std::to_string(getpid()),
                            mqtt::create_options(MQTTVERSION_3_1_1), nullptr);
        auto opts = mqtt::connect_options_builder().clean_session(true).mqtt_version(MQTTVERSION_3_1_1).finalize();
        opts.set_will(mqtt::message(base + "/bridge/state", R"({"state":"offline"})", 1, true));
        client.connect(opts);
        auto send = [&](const std::vector<z2m_sim::outbound>& out) {
            for (const auto& m : out) {
                if (verbose) std::cout << "z2m_sim: > " << m.topic << " (" << m.payload.size() << " bytes)\n";
                client.publish(mqtt::message(m.topic, m.payload, 1, m.retain));
            }
        };
        client.start_consuming();
        // Friendly names may have one '/' level ("Lounge/bulb").
        client.subscribe(
            {base + "/+/set", base + "/+/+/set", base + "/+/get", base + "/+/+/get", base + "/hearth_sim/control"},
            {1, 1, 1, 1, 1});
        send(sim.startup());
        std::cout << "z2m_sim: Zigbee2MQTT on 127.0.0.1:" << port << ", base '" << base << "', " << devices.size()
                  << " entries" << std::endl;
        while (!g_stop) {
            mqtt::const_message_ptr msg;
            if (!client.try_consume_message_for(&msg, std::chrono::milliseconds(100)) || !msg) {
                if (!client.is_connected()) throw std::runtime_error("lost the broker");
                continue;
            }
            if (verbose)
                std::cout << "z2m_sim: < " << msg->get_topic() << " " << msg->to_string().substr(0, 200) << "\n";
            send(sim.on_message(msg->get_topic(), msg->to_string()));
        }
        client.publish(mqtt::message(base + "/bridge/state", R"({"state":"offline"})", 1, true));
        client.disconnect();
    } catch (const std::exception& e) {
        std::cerr << "z2m_sim: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
