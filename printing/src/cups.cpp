// kiosk::printing::Cups: the CUPS facade over IPP (libcups 2.4). One http_t per object, owned
// RAII-style; every request/response ipp_t is owned by a unique_ptr. Failures become
// core::Error values with the stable codes listed in printer.hpp.
#include <kiosk/printing/printer.hpp>

#include <cups/cups.h>
#include <cups/ipp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <utility>

namespace kiosk::printing {
namespace {

struct HttpCloser {
    void operator()(http_t* h) const noexcept { httpClose(h); }
};
using HttpPtr = std::unique_ptr<http_t, HttpCloser>;

struct IppDeleter {
    void operator()(ipp_t* p) const noexcept { ippDelete(p); }
};
using IppPtr = std::unique_ptr<ipp_t, IppDeleter>;

/// cupsGetNamedDest returns one destination to be freed with cupsFreeDests(1, …).
struct DestDeleter {
    void operator()(cups_dest_t* d) const noexcept { cupsFreeDests(1, d); }
};
using DestPtr = std::unique_ptr<cups_dest_t, DestDeleter>;

core::Error err(std::string code, std::string message) {
    return core::Error{std::move(code), std::move(message)};
}

std::string printerUri(const std::string& queue) {
    char uri[HTTP_MAX_URI];
    if (queue.empty())
        httpAssembleURI(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", nullptr, "localhost", ippPort(), "/");
    else
        httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", nullptr, "localhost", ippPort(),
                         "/printers/%s", queue.c_str());
    return uri;
}

std::string jobUri(int jobId) {
    char uri[HTTP_MAX_URI];
    httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", nullptr, "localhost", ippPort(), "/jobs/%d",
                     jobId);
    return uri;
}

/// The queue name is the last path segment of a printer URI.
std::string queueFromUri(const char* uri) {
    if (!uri) return {};
    const char* slash = std::strrchr(uri, '/');
    return slash ? std::string(slash + 1) : std::string(uri);
}

std::string attrString(ipp_attribute_t* a) {
    if (!a) return {};
    const char* s = ippGetString(a, 0, nullptr);
    return s ? s : "";
}

std::string joinStrings(ipp_attribute_t* a) {
    std::string out;
    if (!a) return out;
    for (int i = 0; i < ippGetCount(a); ++i) {
        const char* s = ippGetString(a, i, nullptr);
        if (!s) continue;
        if (!out.empty()) out += ',';
        out += s;
    }
    return out;
}

JobState jobStateFromIpp(int v) {
    switch (v) {
        case IPP_JSTATE_PENDING:
            return JobState::Pending;
        case IPP_JSTATE_HELD:
            return JobState::Held;
        case IPP_JSTATE_PROCESSING:
            return JobState::Processing;
        case IPP_JSTATE_STOPPED:
            return JobState::Stopped;
        case IPP_JSTATE_CANCELED:
            return JobState::Cancelled;
        case IPP_JSTATE_ABORTED:
            return JobState::Aborted;
        case IPP_JSTATE_COMPLETED:
            return JobState::Completed;
        default:
            return JobState::Pending;
    }
}

struct ReasonInfo {
    const char* keyword;  // IPP base keyword (without -error/-warning/-report)
    const char* code;
    const char* text;
};
// The reasons a volunteer can act on; everything else becomes "other" with its keyword kept.
constexpr ReasonInfo kReasons[] = {
    {"media-empty", "media-empty", "Out of paper or labels: load media."},
    {"media-needed", "media-empty", "Out of paper or labels: load media."},
    {"media-low", "media-low", "Paper or labels running low."},
    {"media-jam", "media-jam", "Paper jam: open the printer and clear it."},
    {"offline", "offline", "The printer is offline: check its power and cable."},
    {"paused", "paused", "The print queue is stopped: re-enable it (cupsenable)."},
    {"door-open", "door-open", "A printer door is open: close it."},
    {"cover-open", "cover-open", "The printer cover is open: close it."},
    {"toner-empty", "toner-empty", "Out of toner or ribbon."},
    {"toner-low", "toner-low", "Toner or ribbon running low."},
    {"marker-supply-empty", "marker-supply-empty", "Out of ink, toner or ribbon."},
    {"marker-supply-low", "marker-supply-low", "Ink, toner or ribbon running low."},
    {"connecting-to-device", "connecting", "Connecting to the printer."},
    {"shutdown", "shutdown", "The printer is shutting down."},
};

struct RequestOutcome {
    IppPtr response;
    ipp_status_t status = IPP_STATUS_OK;
    std::string message;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string_view queueStateCode(QueueState s) {
    switch (s) {
        case QueueState::Idle:
            return "idle";
        case QueueState::Processing:
            return "processing";
        case QueueState::Stopped:
            return "stopped";
    }
    return "stopped";
}

std::string_view jobStateCode(JobState s) {
    switch (s) {
        case JobState::Pending:
            return "pending";
        case JobState::Held:
            return "held";
        case JobState::Processing:
            return "processing";
        case JobState::Stopped:
            return "stopped";
        case JobState::Cancelled:
            return "cancelled";
        case JobState::Aborted:
            return "aborted";
        case JobState::Completed:
            return "completed";
    }
    return "pending";
}

bool isTerminal(JobState s) {
    return s == JobState::Cancelled || s == JobState::Aborted || s == JobState::Completed;
}

bool QueueInfo::ready() const {
    return state != QueueState::Stopped && accepting;
}

std::optional<StateReason> parseStateReason(std::string_view keyword) {
    if (keyword.empty() || keyword == "none") return std::nullopt;
    StateReason r;
    r.keyword = std::string(keyword);
    std::string_view base = keyword;
    // RFC 8011 5.4.12: a reason without a severity suffix is an error.
    r.severity = "error";
    for (std::string_view sev : {"error", "warning", "report"}) {
        const std::string suffix = "-" + std::string(sev);
        if (base.size() > suffix.size() && base.substr(base.size() - suffix.size()) == suffix) {
            base = base.substr(0, base.size() - suffix.size());
            r.severity = std::string(sev);
            break;
        }
    }
    for (const auto& info : kReasons) {
        if (base == info.keyword) {
            r.code = info.code;
            r.text = info.text;
            return r;
        }
    }
    r.code = "other";
    r.text = "The printer reports \"" + std::string(base) + "\".";
    return r;
}

// ---------------------------------------------------------------------------------------------

struct Cups::Impl {
    std::string server;  // as given (may be empty)
    std::string host;
    int port = 0;
    std::chrono::milliseconds timeout;
    HttpPtr http;

    Impl(std::string srv, std::chrono::milliseconds t) : server(std::move(srv)), timeout(t) {
        // libcups caches CUPS_SERVER per thread on first use; read it ourselves so a value set
        // later (tests, a launcher) still counts.
        if (server.empty())
            if (const char* env = std::getenv("CUPS_SERVER"); env && *env) server = env;
        if (server.empty()) {
            host = cupsServer();  // client.conf, or the local default socket
            port = ippPort();
        } else if (server.front() == '/') {
            host = server;
            port = ippPort();
        } else {
            host = server;
            port = ippPort();
            if (auto colon = server.rfind(':');
                colon != std::string::npos && server.find(']') == std::string::npos) {
                host = server.substr(0, colon);
                port = std::atoi(server.c_str() + colon + 1);
                if (port <= 0) port = ippPort();
            }
        }
    }

    core::Status connect() {
        if (http) return {};
        http_t* h = httpConnect2(host.c_str(), port, nullptr, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED,
                                 /*blocking=*/1, static_cast<int>(timeout.count()), nullptr);
        if (!h)
            return err("printer.unreachable",
                       "cannot reach the CUPS scheduler at " + host +
                           ": start cupsd (or scripts/cups-test-env start) or set CUPS_SERVER");
        // Abort a request that hangs longer than the timeout instead of waiting forever.
        httpSetTimeout(
            h, static_cast<double>(timeout.count()) / 1000.0, [](http_t*, void*) { return 0; }, nullptr);
        http.reset(h);
        return {};
    }

    /// One IPP request. Idempotent requests are retried once on a fresh connection, because a
    /// scheduler restart leaves a dead keep-alive connection behind.
    core::Result<RequestOutcome> request(ipp_op_t op, const std::function<void(ipp_t*)>& fill,
                                         const char* resource, bool idempotent = true) {
        for (int attempt = 0; attempt < (idempotent ? 2 : 1); ++attempt) {
            if (auto st = connect(); !st) return st.error();
            ipp_t* req = ippNewRequest(op);
            ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr, cupsUser());
            fill(req);
            IppPtr resp(cupsDoRequest(http.get(), req, resource));  // frees req
            const ipp_status_t status = cupsLastError();
            if (!resp &&
                (status == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE || status == IPP_STATUS_ERROR_INTERNAL)) {
                http.reset();  // connection lost: reconnect and, if allowed, retry
                if (attempt + 1 < (idempotent ? 2 : 1)) continue;
                return err("printer.unreachable", std::string("the CUPS scheduler at ") + host +
                                                      " stopped answering (" + cupsLastErrorString() +
                                                      "): check that cupsd is running");
            }
            RequestOutcome out;
            out.status = resp ? ippGetStatusCode(resp.get()) : status;
            out.message = cupsLastErrorString() ? cupsLastErrorString() : "";
            out.response = std::move(resp);
            return out;
        }
        return err("printer.unreachable", "the CUPS scheduler at " + host + " is not answering");
    }
};

Cups::Cups(std::string server, std::chrono::milliseconds timeout)
    : m_impl(std::make_unique<Impl>(std::move(server), timeout)) {}
Cups::Cups(Cups&&) noexcept = default;
Cups& Cups::operator=(Cups&&) noexcept = default;
Cups::~Cups() = default;

const std::string& Cups::server() const {
    return m_impl->host;
}

namespace {
const char* const kPrinterAttrs[] = {
    "printer-name", "printer-state",    "printer-state-reasons",  "printer-is-accepting-jobs",
    "printer-info", "printer-location", "printer-make-and-model", "printer-state-message",
    "printer-type"};

QueueInfo queueFromAttrs(ipp_t* resp, ipp_attribute_t*& attr) {
    QueueInfo q;
    for (; attr && ippGetGroupTag(attr) == IPP_TAG_PRINTER; attr = ippNextAttribute(resp)) {
        const char* name = ippGetName(attr);
        if (!name) continue;
        const std::string_view n = name;
        if (n == "printer-name")
            q.name = attrString(attr);
        else if (n == "printer-info")
            q.info = attrString(attr);
        else if (n == "printer-location")
            q.location = attrString(attr);
        else if (n == "printer-make-and-model")
            q.makeModel = attrString(attr);
        else if (n == "printer-state-message")
            q.stateMessage = attrString(attr);
        else if (n == "printer-is-accepting-jobs")
            q.accepting = ippGetBoolean(attr, 0) != 0;
        else if (n == "printer-state") {
            const int v = ippGetInteger(attr, 0);
            q.state = v == IPP_PSTATE_IDLE         ? QueueState::Idle
                      : v == IPP_PSTATE_PROCESSING ? QueueState::Processing
                                                   : QueueState::Stopped;
        } else if (n == "printer-state-reasons") {
            for (int i = 0; i < ippGetCount(attr); ++i) {
                const char* s = ippGetString(attr, i, nullptr);
                if (auto r = parseStateReason(s ? s : "")) q.reasons.push_back(std::move(*r));
            }
        }
    }
    return q;
}
}  // namespace

core::Result<std::optional<std::string>> Cups::defaultQueue() {
    if (auto st = m_impl->connect(); !st) return st.error();
    // cupsGetNamedDest(…, NULL, …) applies LPDEST / PRINTER / lpoptions before the server default.
    DestPtr dest(cupsGetNamedDest(m_impl->http.get(), nullptr, nullptr));
    if (dest && dest->name) return std::optional<std::string>(dest->name);
    const ipp_status_t status = cupsLastError();
    if (status == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE || status == IPP_STATUS_ERROR_INTERNAL) {
        m_impl->http.reset();
        return err("printer.unreachable", "the CUPS scheduler at " + m_impl->host + " is not answering");
    }
    return std::optional<std::string>{};
}

core::Result<std::vector<QueueInfo>> Cups::listQueues() {
    auto r = m_impl->request(
        CUPS_GET_PRINTERS,
        [](ipp_t* req) {
            ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                          static_cast<int>(std::size(kPrinterAttrs)), nullptr, kPrinterAttrs);
        },
        "/");
    if (!r) return r.error();
    std::vector<QueueInfo> queues;
    // "No printers" is IPP_STATUS_ERROR_NOT_FOUND from CUPS-Get-Printers: an empty list.
    if (r->status == IPP_STATUS_ERROR_NOT_FOUND || !r->response) return queues;
    if (r->status > IPP_STATUS_OK_CONFLICTING)
        return err("printer.unreachable", "CUPS refused to list the queues: " + r->message);
    ipp_t* resp = r->response.get();
    for (ipp_attribute_t* attr = ippFirstAttribute(resp); attr;) {
        while (attr && ippGetGroupTag(attr) != IPP_TAG_PRINTER) attr = ippNextAttribute(resp);
        if (!attr) break;
        QueueInfo q = queueFromAttrs(resp, attr);
        if (!q.name.empty()) queues.push_back(std::move(q));
    }
    auto def = defaultQueue();
    if (def && def->has_value())
        for (auto& q : queues) q.isDefault = (q.name == **def);
    std::sort(queues.begin(), queues.end(),
              [](const QueueInfo& a, const QueueInfo& b) { return a.name < b.name; });
    return queues;
}

core::Result<QueueInfo> Cups::queue(const std::string& name) {
    const std::string uri = printerUri(name);
    auto r = m_impl->request(
        IPP_OP_GET_PRINTER_ATTRIBUTES,
        [&](ipp_t* req) {
            ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr, uri.c_str());
            ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                          static_cast<int>(std::size(kPrinterAttrs)), nullptr, kPrinterAttrs);
        },
        "/");
    if (!r) return r.error();
    if (r->status == IPP_STATUS_ERROR_NOT_FOUND || !r->response)
        return err("printer.not_found", "there is no print queue \"" + name +
                                            "\": check the name with `kiosk printers` or add it (lpadmin)");
    if (r->status > IPP_STATUS_OK_CONFLICTING)
        return err("printer.unreachable", "CUPS refused to describe \"" + name + "\": " + r->message);
    ipp_t* resp = r->response.get();
    ipp_attribute_t* attr = ippFirstAttribute(resp);
    while (attr && ippGetGroupTag(attr) != IPP_TAG_PRINTER) attr = ippNextAttribute(resp);
    QueueInfo q = queueFromAttrs(resp, attr);
    if (q.name.empty()) q.name = name;
    auto def = defaultQueue();
    q.isDefault = def && def->has_value() && **def == q.name;
    return q;
}

std::string pwgMediaName(double widthMm, double heightMm) {
    // libcups works in hundredths of millimetres and knows the PWG 5101.1 names; a size it does
    // not know comes back as a self-describing "custom_…" name, which CUPS maps onto the
    // driver's custom page size (cups-pdf, label printers).
    const int w = static_cast<int>(std::lround(widthMm * 100)),
              h = static_cast<int>(std::lround(heightMm * 100));
    if (pwg_media_t* m = pwgMediaForSize(w, h); m && m->pwg && *m->pwg) return m->pwg;
    char name[64];
    std::snprintf(name, sizeof name, "custom_%gx%gmm_%gx%gmm", widthMm, heightMm, widthMm, heightMm);
    return name;
}

core::Result<int> Cups::submitPdf(const std::string& queue, const std::string& title,
                                  std::string_view pdfBytes, const std::string& media) {
    if (queue.empty()) return err("printer.none", "no print queue given");
    if (auto st = m_impl->connect(); !st) return st.error();
    const std::string uri = printerUri(queue);
    const std::string resource = "/printers/" + queue;
    IppPtr req(ippNewRequest(IPP_OP_PRINT_JOB));
    ippAddString(req.get(), IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr, uri.c_str());
    ippAddString(req.get(), IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr, cupsUser());
    ippAddString(req.get(), IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", nullptr, title.c_str());
    ippAddString(req.get(), IPP_TAG_OPERATION, IPP_TAG_NAME, "document-name", nullptr, title.c_str());
    ippAddString(req.get(), IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, "document-format", nullptr, CUPS_FORMAT_PDF);
    // Without it the queue's default (A4, Letter) is used: cups-pdf put an A6 badge in the middle
    // of an A4 page. No ipp-attribute-fidelity: a printer without this size still prints.
    if (!media.empty())
        ippAddString(req.get(), IPP_TAG_JOB, IPP_TAG_KEYWORD, "media", nullptr, media.c_str());

    http_t* http = m_impl->http.get();
    // Print-Job carries the document in the same request: a job never exists in CUPS without it.
    // The length is the whole body: the IPP request and the document after it.
    const size_t length = ippLength(req.get()) + pdfBytes.size();
    http_status_t hs = cupsSendRequest(http, req.get(), resource.c_str(), length);
    if (hs == HTTP_STATUS_ERROR) {
        // A dead keep-alive connection fails before anything was sent: reconnecting is safe.
        m_impl->http.reset();
        if (auto st = m_impl->connect(); !st) return st.error();
        http = m_impl->http.get();
        hs = cupsSendRequest(http, req.get(), resource.c_str(), length);
    }
    constexpr size_t kChunk = 64 * 1024;
    for (size_t off = 0; hs == HTTP_STATUS_CONTINUE && off < pdfBytes.size(); off += kChunk) {
        const size_t n = std::min(kChunk, pdfBytes.size() - off);
        hs = cupsWriteRequestData(http, pdfBytes.data() + off, n);
    }
    IppPtr resp;
    if (hs == HTTP_STATUS_CONTINUE || hs == HTTP_STATUS_OK)
        resp.reset(cupsGetResponse(http, resource.c_str()));
    const ipp_status_t status = resp ? ippGetStatusCode(resp.get()) : cupsLastError();
    const std::string message = cupsLastErrorString() ? cupsLastErrorString() : "";
    if (!resp) {
        m_impl->http.reset();
        if (status == IPP_STATUS_ERROR_NOT_FOUND)
            return err("printer.not_found", "there is no print queue \"" + queue + "\" (" + message + ")");
        return err("printer.unreachable", "the job may not have reached CUPS (" + message +
                                              "); the kiosk looks it up by title before any retry");
    }
    if (status == IPP_STATUS_ERROR_NOT_FOUND)
        return err("printer.not_found",
                   "there is no print queue \"" + queue + "\": check `kiosk printers` or re-add the printer");
    if (status == IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS)
        return err("printer.not_accepting",
                   "queue \"" + queue + "\" is rejecting jobs: run cupsaccept " + queue);
    if (status > IPP_STATUS_OK_CONFLICTING)
        return err("printer.submit_failed", "CUPS refused the job on \"" + queue + "\": " + message);
    ipp_attribute_t* id = ippFindAttribute(resp.get(), "job-id", IPP_TAG_INTEGER);
    if (!id) return err("printer.submit_failed", "CUPS accepted the job but returned no job id");
    return ippGetInteger(id, 0);
}

namespace {
const char* const kJobAttrs[] = {"job-id",
                                 "job-name",
                                 "job-state",
                                 "job-state-reasons",
                                 "job-printer-uri",
                                 "job-printer-state-message",
                                 "job-media-sheets-completed"};

JobInfo jobFromAttrs(ipp_t* resp, ipp_attribute_t*& attr) {
    JobInfo j;
    for (; attr && ippGetGroupTag(attr) == IPP_TAG_JOB; attr = ippNextAttribute(resp)) {
        const char* name = ippGetName(attr);
        if (!name) continue;
        const std::string_view n = name;
        if (n == "job-id")
            j.id = ippGetInteger(attr, 0);
        else if (n == "job-name")
            j.title = attrString(attr);
        else if (n == "job-state")
            j.state = jobStateFromIpp(ippGetInteger(attr, 0));
        else if (n == "job-state-reasons")
            j.reasons = joinStrings(attr);
        else if (n == "job-printer-uri")
            j.queue = queueFromUri(ippGetString(attr, 0, nullptr));
        else if (n == "job-printer-state-message")
            j.message = attrString(attr);
        else if (n == "job-media-sheets-completed")
            j.sheetsCompleted = ippGetInteger(attr, 0);
    }
    return j;
}
}  // namespace

core::Result<JobInfo> Cups::jobState(const std::string& queue, int jobId) {
    const std::string uri = jobUri(jobId);
    auto r = m_impl->request(
        IPP_OP_GET_JOB_ATTRIBUTES,
        [&](ipp_t* req) {
            ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", nullptr, uri.c_str());
            ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                          static_cast<int>(std::size(kJobAttrs)), nullptr, kJobAttrs);
        },
        "/");
    if (!r) return r.error();
    if (r->status == IPP_STATUS_ERROR_NOT_FOUND || !r->response)
        return err("printer.job_unknown", "CUPS does not know job " + std::to_string(jobId) +
                                              (queue.empty() ? "" : " on \"" + queue + "\"") +
                                              " (history purged?)");
    if (r->status > IPP_STATUS_OK_CONFLICTING)
        return err("printer.unreachable", "CUPS refused the job query: " + r->message);
    ipp_t* resp = r->response.get();
    ipp_attribute_t* attr = ippFirstAttribute(resp);
    while (attr && ippGetGroupTag(attr) != IPP_TAG_JOB) attr = ippNextAttribute(resp);
    JobInfo j = jobFromAttrs(resp, attr);
    if (j.id == 0) j.id = jobId;
    if (j.queue.empty()) j.queue = queue;
    return j;
}

core::Result<std::optional<JobInfo>> Cups::findJobByTitle(const std::string& queue,
                                                          const std::string& title) {
    const std::string uri = printerUri(queue);
    std::optional<JobInfo> newest;
    std::set<int> seen;
    constexpr int kPage = 500;  // cupsd caps one Get-Jobs answer at 500 jobs
    for (int first = 1, page = 0; page < 40; ++page, first += kPage) {
        auto r = m_impl->request(
            IPP_OP_GET_JOBS,
            [&](ipp_t* req) {
                ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr, uri.c_str());
                ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "which-jobs", nullptr, "all");
                ippAddBoolean(req, IPP_TAG_OPERATION, "my-jobs", 0);
                ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "first-index", first);
                ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "limit", kPage);
                ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                              static_cast<int>(std::size(kJobAttrs)), nullptr, kJobAttrs);
            },
            "/");
        if (!r) return r.error();
        if (r->status == IPP_STATUS_ERROR_NOT_FOUND && !queue.empty())
            return err("printer.not_found", "there is no print queue \"" + queue + "\"");
        if (!r->response || r->status == IPP_STATUS_ERROR_NOT_FOUND) break;
        if (r->status > IPP_STATUS_OK_CONFLICTING)
            return err("printer.unreachable", "CUPS refused to list jobs: " + r->message);
        ipp_t* resp = r->response.get();
        int count = 0;
        bool repeated = false;
        for (ipp_attribute_t* attr = ippFirstAttribute(resp); attr;) {
            while (attr && ippGetGroupTag(attr) != IPP_TAG_JOB) attr = ippNextAttribute(resp);
            if (!attr) break;
            JobInfo j = jobFromAttrs(resp, attr);
            ++count;
            if (!seen.insert(j.id).second) repeated = true;  // a server that ignores first-index
            if (j.title == title && (!newest || j.id > newest->id)) newest = std::move(j);
        }
        if (count < kPage || repeated) break;
    }
    return newest;
}

core::Status Cups::cancel(const std::string& queue, int jobId) {
    const std::string uri = jobUri(jobId);
    auto r = m_impl->request(
        IPP_OP_CANCEL_JOB,
        [&](ipp_t* req) {
            ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", nullptr, uri.c_str());
        },
        "/jobs/");
    if (!r) return r.error();
    if (r->status == IPP_STATUS_ERROR_NOT_FOUND)
        return err("printer.job_unknown", "CUPS does not know job " + std::to_string(jobId) +
                                              (queue.empty() ? "" : " on \"" + queue + "\""));
    if (r->status > IPP_STATUS_OK_CONFLICTING)
        return err("printer.submit_failed",
                   "CUPS refused to cancel job " + std::to_string(jobId) + ": " + r->message);
    return {};
}

std::string jobTitle(const std::string& printJobId) {
    return "kiosk-" + printJobId;
}

}  // namespace kiosk::printing
