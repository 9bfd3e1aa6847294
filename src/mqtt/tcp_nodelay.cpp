// TCP_NODELAY for the broker connection: scan /proc/self/fd for stream sockets whose peer is the
// broker (see tcp_nodelay.hpp for why).
#include "mqtt/tcp_nodelay.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <vector>

namespace hearth::mqtt {

namespace {

/// Both address families reduced to (family, 16 address bytes, port) for comparison.
struct peer {
    int family = 0;
    unsigned char addr[16]{};
    std::uint16_t port = 0;
    bool operator==(const peer& o) const {
        return family == o.family && port == o.port && std::memcmp(addr, o.addr, sizeof(addr)) == 0;
    }
};

std::optional<peer> to_peer(const sockaddr* sa) {
    peer p;
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        p.family = AF_INET;
        std::memcpy(p.addr, &in->sin_addr, 4);
        p.port = ntohs(in->sin_port);
        return p;
    }
    if (sa->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        p.family = AF_INET6;
        std::memcpy(p.addr, &in6->sin6_addr, 16);
        p.port = ntohs(in6->sin6_port);
        return p;
    }
    return std::nullopt;
}

/// The broker's addresses if `e.host` is a numeric address; empty for a name (never blocks on DNS).
std::vector<peer> numeric_addresses(const broker_endpoint& e) {
    std::vector<peer> out;
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    if (::getaddrinfo(e.host.c_str(), std::to_string(e.port).c_str(), &hints, &res) != 0) return out;
    for (auto* ai = res; ai != nullptr; ai = ai->ai_next)
        if (auto p = to_peer(ai->ai_addr)) out.push_back(*p);
    ::freeaddrinfo(res);
    return out;
}

}  // namespace

std::optional<broker_endpoint> parse_broker_url(const std::string& url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return std::nullopt;
    const std::string scheme = url.substr(0, scheme_end);
    const bool tls = scheme == "mqtts" || scheme == "ssl";
    if (!tls && scheme != "mqtt" && scheme != "tcp") return std::nullopt;
    std::string rest = url.substr(scheme_end + 3);
    rest = rest.substr(0, rest.find('/'));
    broker_endpoint e{rest, static_cast<std::uint16_t>(tls ? 8883 : 1883)};
    const auto colon = rest.rfind(':');
    const auto bracket = rest.rfind(']');
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
        try {
            const int port = std::stoi(rest.substr(colon + 1));
            if (port <= 0 || port > 65535) return std::nullopt;
            e.port = static_cast<std::uint16_t>(port);
        } catch (const std::exception&) {
            return std::nullopt;
        }
        e.host = rest.substr(0, colon);
    }
    if (e.host.size() >= 2 && e.host.front() == '[' && e.host.back() == ']')
        e.host = e.host.substr(1, e.host.size() - 2);
    if (e.host.empty()) return std::nullopt;
    return e;
}

int set_tcp_nodelay_to(const broker_endpoint& endpoint) {
    const auto targets = numeric_addresses(endpoint);
    int changed = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
        int fd = -1;
        try {
            fd = std::stoi(entry.path().filename().string());
        } catch (const std::exception&) {
            continue;
        }
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
        int type = 0;
        socklen_t len = sizeof(type);
        if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) continue;
        sockaddr_storage ss{};
        socklen_t ss_len = sizeof(ss);
        if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &ss_len) != 0) continue;
        const auto p = to_peer(reinterpret_cast<const sockaddr*>(&ss));
        if (!p) continue;
        bool match = targets.empty() && p->port == endpoint.port;  // a host name: the port decides
        for (const auto& t : targets) match = match || *p == t;
        if (!match) continue;
        const int one = 1;
        if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0) ++changed;
    }
    return changed;
}

}  // namespace hearth::mqtt
