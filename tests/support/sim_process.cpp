// Implementation of the tests' simulator processes (sim_process.hpp).
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "support/sim_process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <hearth/testing/ports.hpp>

#include <exception>

namespace hearth::test {

using namespace std::chrono_literals;
using json = nlohmann::json;

sim_process::sim_process(const std::string& binary, std::uint16_t port, const std::vector<std::string>& args)
    : sim_(binary, port, args) {}

sim_process::~sim_process() {
    sim_.stop(5s);
    sim_.remove_log();
}

bool sim_process::start(std::chrono::milliseconds deadline, const std::function<bool()>& ready) {
    return sim_.start(deadline, ready);
}

void sim_process::stop() { sim_.stop(5s); }

namespace {

std::vector<std::string> with_control_port(std::uint16_t control_port, const std::vector<std::string>& args) {
    std::vector<std::string> a = {"--control-port", std::to_string(control_port)};
    a.insert(a.end(), args.begin(), args.end());
    return a;
}

}  // namespace

control_simulator::control_simulator(const std::string& binary, const std::vector<std::string>& args)
    : control_simulator(binary, args, hearth::testing::free_tcp_port()) {}

control_simulator::control_simulator(const std::string& binary, const std::vector<std::string>& args,
                                     std::uint16_t control_port)
    : sim_process(binary, hearth::testing::free_tcp_port(), with_control_port(control_port, args)),
      control_port_(control_port) {}

bool control_simulator::start(std::chrono::milliseconds deadline) {
    return sim_process::start(deadline, [this] {
        try {
            return status().value("ok", false);
        } catch (const std::exception&) {
            return false;
        }
    });
}

json control_simulator::control(const json& request) const {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), control_port_});
    const std::string line = request.dump() + "\n";
    boost::asio::write(socket, boost::asio::buffer(line));
    std::string answer;
    boost::asio::read_until(socket, boost::asio::dynamic_buffer(answer), '\n');
    return json::parse(answer);
}

}  // namespace hearth::test
