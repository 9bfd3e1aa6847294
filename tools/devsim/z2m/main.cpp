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
#include "sim_bridge.hpp"

#include <mqtt/client.h>

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace {

std::atomic<bool> g_stop{false};

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "z2m_sim: " << why
              << "\nusage: z2m_sim --port BROKER_PORT --fixture FILE [--base zigbee2mqtt] [--interviewing NAME]... "
                 "[--verbose]\n";
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    std::string port;
    std::string fixture;
    std::string base = "zigbee2mqtt";
    std::set<std::string> interviewing;
    bool verbose = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) usage(a + " needs a value");
            return argv[++i];
        };
        if (a == "--port") {
            port = next();
        } else if (a == "--fixture") {
            fixture = next();
        } else if (a == "--base") {
            base = next();
        } else if (a == "--interviewing") {
            interviewing.insert(next());
        } else if (a == "--verbose") {
            verbose = true;
        } else {
            usage("unknown argument " + a);
        }
    }
    if (port.empty() || fixture.empty()) usage("--port and --fixture are required");
    std::ifstream in(fixture);
    const z2m_sim::json devices = z2m_sim::json::parse(in, nullptr, false);
    if (!devices.is_array()) usage("the fixture is not a JSON array: " + fixture);
    z2m_sim::bridge sim(base, devices, interviewing);

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
