// Static files of the web console (see static_files.hpp).
#include "web/static_files.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <sys/stat.h>
#include <time.h>

namespace hearth::web {

namespace http = boost::beast::http;

namespace {

std::string content_type(const std::string& path) {
    static const std::map<std::string, std::string> types = {{".html", "text/html; charset=utf-8"},
                                                             {".js", "text/javascript; charset=utf-8"},
                                                             {".mjs", "text/javascript; charset=utf-8"},
                                                             {".css", "text/css; charset=utf-8"},
                                                             {".json", "application/json"},
                                                             {".svg", "image/svg+xml"},
                                                             {".png", "image/png"},
                                                             {".ico", "image/x-icon"},
                                                             {".webmanifest", "application/manifest+json"}};
    const auto dot = path.rfind('.');
    if (dot == std::string::npos) return "application/octet-stream";
    auto it = types.find(path.substr(dot));
    return it == types.end() ? "application/octet-stream" : it->second;
}

bool safe_path(const std::string& path) {
    if (path.empty() || path.front() != '/' || path.size() > 200) return false;
    const bool chars_ok = std::all_of(path.begin(), path.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-' || c == '/';
    });
    return chars_ok && path.find("/.") == std::string::npos && path.find("//") == std::string::npos;
}

std::string http_date(time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

http_response simple(http::status status, unsigned version, const std::string& body) {
    http_response r{status, version};
    r.set(http::field::content_type, "text/plain; charset=utf-8");
    r.set(http::field::cache_control, "no-store");
    r.body() = body;
    add_security_headers(r);
    r.prepare_payload();
    return r;
}

}  // namespace

http_response serve_static(const std::string& root, const http_request& request) {
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        auto r = simple(http::status::method_not_allowed, request.version(), "method not allowed\n");
        r.set(http::field::allow, "GET, HEAD");
        return r;
    }
    std::string path(request.target());
    if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
    if (path == "/") path = "/index.html";
    if (!safe_path(path)) return simple(http::status::not_found, request.version(), "not found\n");
    const std::string file = root + path;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return simple(http::status::not_found, request.version(), "not found\n");
    }
    const std::string modified = http_date(st.st_mtime);
    http_response r{http::status::ok, request.version()};
    add_security_headers(r);
    r.set(http::field::cache_control, "no-cache");
    r.set(http::field::last_modified, modified);
    r.set(http::field::content_type, content_type(path));
    if (request[http::field::if_modified_since] == modified) {
        r.result(http::status::not_modified);
        return r;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    r.body() = body.str();
    r.prepare_payload();
    if (request.method() == http::verb::head) r.body().clear();
    return r;
}

}  // namespace hearth::web
