#pragma once
// The page's routes on the service's HTTP server (README "The page"):
//   GET  /                the page, for a signed-in member of the organisation; else to /login
//   GET  /login           to GitHub's authorize page, with a random state in a cookie
//   GET  /oauth/callback  GitHub's way back: state compared, code exchanged, membership asked
//   POST /logout          ends the session
// Without oauth_client_id in governance.toml the page is off: GET / says so (404), /login and
// /oauth/callback lead back to it.
#include <functional>
#include <string>
#include <vector>

#include "serve/config.hpp"
#include "serve/dashboard.hpp"
#include "serve/store.hpp"

namespace httplib {
class Server;
}

namespace pgfence::serve {

struct PageRoutes {
    const Config& config;
    Store& store;
    DashboardCache& cache;
    // Who may sign off in a repository under the policy in force.
    std::function<std::vector<std::string>(const std::string& repository)> approvers;
    std::string user_agent;
};

void add_page_routes(httplib::Server& server, const PageRoutes& routes);

}  // namespace pgfence::serve
