// V4L2 cameras through libv4l2: its conversion layer turns MJPEG (and odd vendor formats) into
// RGB24, so one code path serves YUYV and MJPEG webcams. Capture is mmap streaming; a failed
// ioctl or a silent device (unplugged) closes everything and the loop re-discovers the camera
// every second until it is back.
#include "source_base.hpp"

#include <libv4l2.h>
#include <linux/videodev2.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace kiosk::scanner {

namespace {

// Owns a libv4l2 file descriptor.
class V4lFd {
public:
    V4lFd() = default;
    explicit V4lFd(int fd) : m_fd(fd) {}
    V4lFd(V4lFd&& o) noexcept : m_fd(std::exchange(o.m_fd, -1)) {}
    V4lFd& operator=(V4lFd&& o) noexcept {
        if (this != &o) {
            reset();
            m_fd = std::exchange(o.m_fd, -1);
        }
        return *this;
    }
    ~V4lFd() { reset(); }
    void reset() {
        if (m_fd >= 0) v4l2_close(m_fd);
        m_fd = -1;
    }
    int get() const { return m_fd; }
    explicit operator bool() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

int xioctl(int fd, unsigned long request, void* arg) {
    int r;
    do r = v4l2_ioctl(fd, request, arg);
    while (r == -1 && errno == EINTR);
    return r;
}

V4lFd openDevice(const std::string& path) {
    return V4lFd(v4l2_open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
}

bool isCapture(int fd, std::string* card) {
    v4l2_capability cap{};
    if (xioctl(fd, VIDIOC_QUERYCAP, &cap) != 0) return false;
    const uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    if (card) *card = reinterpret_cast<const char*>(cap.card);
    return (caps & V4L2_CAP_VIDEO_CAPTURE) && (caps & V4L2_CAP_STREAMING);
}

std::vector<std::array<int, 2>> frameSizes(int fd) {
    std::vector<std::array<int, 2>> sizes;
    for (uint32_t pix : {V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_MJPEG}) {
        for (uint32_t i = 0; i < 64; ++i) {
            v4l2_frmsizeenum fs{};
            fs.index = i;
            fs.pixel_format = pix;
            if (xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs) != 0) break;
            if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
                sizes.push_back({static_cast<int>(fs.discrete.width), static_cast<int>(fs.discrete.height)});
            } else {
                sizes.push_back(
                    {static_cast<int>(fs.stepwise.max_width), static_cast<int>(fs.stepwise.max_height)});
                break;
            }
        }
    }
    std::sort(sizes.begin(), sizes.end(), [](auto& a, auto& b) { return a[0] * a[1] > b[0] * b[1]; });
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    return sizes;
}

// One mmap'ed capture buffer.
struct Mapping {
    void* start = MAP_FAILED;
    std::size_t length = 0;
    Mapping() = default;
    Mapping(Mapping&& o) noexcept : start(std::exchange(o.start, MAP_FAILED)), length(o.length) {}
    Mapping& operator=(Mapping&&) = delete;
    ~Mapping() {
        if (start != MAP_FAILED) v4l2_munmap(start, length);
    }
};

class CameraSource final : public SourceBase {
public:
    explicit CameraSource(CameraOptions o) : m_options(std::move(o)) { m_device = m_options.device; }
    ~CameraSource() override { stop(); }

private:
    void run() override {
        bool everRan = false;
        while (!stopping()) {
            std::string error = captureOnce(everRan);
            if (stopping()) break;
            setHealth(
                SourceState::Reconnecting,
                error + (everRan ? "; camera unplugged? retrying every second"
                                 : "; plug in a camera or check permissions (group 'video'); retrying"));
            if (!sleepFor(std::chrono::seconds(1))) break;
        }
    }

    // Opens, streams until an error, returns the error text. Everything opened here is closed
    // by RAII before returning, so a replug starts from a clean state.
    std::string captureOnce(bool& everRan) {
        std::string path = m_options.device;
        if (path.empty()) {
            auto cams = listCameras();
            if (cams.empty()) return "no camera found under /dev/video*";
            path = cams.front().device;
        }
        m_device = path;
        V4lFd fd = openDevice(path);
        if (!fd) return "cannot open " + path + ": " + std::strerror(errno);
        if (!isCapture(fd.get(), nullptr)) return path + " is not a capture device";

        // Nearest offered size to the preferred one (by area, then aspect).
        int w = m_options.width, h = m_options.height;
        auto sizes = frameSizes(fd.get());
        if (!sizes.empty()) {
            auto best = std::min_element(sizes.begin(), sizes.end(), [&](auto& a, auto& b) {
                return std::abs(a[0] * a[1] - w * h) < std::abs(b[0] * b[1] - w * h);
            });
            w = (*best)[0];
            h = (*best)[1];
        }
        v4l2_format fmt{};
        fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        fmt.fmt.pix.width = static_cast<uint32_t>(w);
        fmt.fmt.pix.height = static_cast<uint32_t>(h);
        fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
        fmt.fmt.pix.field = V4L2_FIELD_ANY;
        if (xioctl(fd.get(), VIDIOC_S_FMT, &fmt) != 0 || fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_YUYV ||
            fmt.fmt.pix.width != static_cast<uint32_t>(w)) {
            // MJPEG-only camera (or YUYV only at low sizes): let libv4l2 convert to RGB24.
            fmt = {};
            fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
            fmt.fmt.pix.width = static_cast<uint32_t>(w);
            fmt.fmt.pix.height = static_cast<uint32_t>(h);
            fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_RGB24;
            fmt.fmt.pix.field = V4L2_FIELD_ANY;
            if (xioctl(fd.get(), VIDIOC_S_FMT, &fmt) != 0) return "cannot set a capture format on " + path;
        }
        PixelFormat pf;
        if (fmt.fmt.pix.pixelformat == V4L2_PIX_FMT_YUYV)
            pf = PixelFormat::YUYV;
        else if (fmt.fmt.pix.pixelformat == V4L2_PIX_FMT_RGB24)
            pf = PixelFormat::RGB24;
        else if (fmt.fmt.pix.pixelformat == V4L2_PIX_FMT_BGR24)
            pf = PixelFormat::BGR24;
        else
            return path + " offers no usable pixel format";
        w = static_cast<int>(fmt.fmt.pix.width);
        h = static_cast<int>(fmt.fmt.pix.height);
        const int stride =
            fmt.fmt.pix.bytesperline ? static_cast<int>(fmt.fmt.pix.bytesperline) : w * bytesPerPixel(pf);

        v4l2_streamparm parm{};
        parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        parm.parm.capture.timeperframe.numerator = 1;
        parm.parm.capture.timeperframe.denominator = static_cast<uint32_t>(std::max(1, m_options.fps));
        (void)xioctl(fd.get(), VIDIOC_S_PARM, &parm);  // best effort: many cameras fix their rate

        v4l2_requestbuffers req{};
        req.count = 4;
        req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        req.memory = V4L2_MEMORY_MMAP;
        if (xioctl(fd.get(), VIDIOC_REQBUFS, &req) != 0 || req.count < 2)
            return "no capture buffers on " + path;
        std::vector<Mapping> maps;
        for (uint32_t i = 0; i < req.count; ++i) {
            v4l2_buffer buf{};
            buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
            buf.memory = V4L2_MEMORY_MMAP;
            buf.index = i;
            if (xioctl(fd.get(), VIDIOC_QUERYBUF, &buf) != 0) return "cannot query capture buffer";
            Mapping m;
            m.length = buf.length;
            m.start =
                v4l2_mmap(nullptr, buf.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), buf.m.offset);
            if (m.start == MAP_FAILED) return "cannot map capture buffer";
            maps.push_back(std::move(m));
            if (xioctl(fd.get(), VIDIOC_QBUF, &buf) != 0) return "cannot queue capture buffer";
        }
        v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        if (xioctl(fd.get(), VIDIOC_STREAMON, &type) != 0) return "cannot start streaming on " + path;
        struct StreamOff {
            int fd;
            ~StreamOff() {
                v4l2_buf_type t = V4L2_BUF_TYPE_VIDEO_CAPTURE;
                xioctl(fd, VIDIOC_STREAMOFF, &t);
            }
        } streamOff{fd.get()};

        setHealth(SourceState::Running,
                  path + " " + std::to_string(w) + "x" + std::to_string(h) +
                      (pf == PixelFormat::YUYV ? " YUYV" : " (converted from the camera's format)"));
        everRan = true;
        int timeouts = 0;
        while (!stopping()) {
            fd_set fds;
            FD_ZERO(&fds);
            FD_SET(fd.get(), &fds);
            timeval tv{0, 500'000};
            const int r = select(fd.get() + 1, &fds, nullptr, nullptr, &tv);
            if (r == -1) {
                if (errno == EINTR) continue;
                return std::string("select failed: ") + std::strerror(errno);
            }
            if (r == 0) {
                // Four silent half-seconds: an unplugged camera sometimes just goes quiet.
                if (++timeouts >= 4) return path + " stopped sending frames";
                continue;
            }
            timeouts = 0;
            v4l2_buffer buf{};
            buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
            buf.memory = V4L2_MEMORY_MMAP;
            if (xioctl(fd.get(), VIDIOC_DQBUF, &buf) != 0) {
                if (errno == EAGAIN) continue;
                return path + " lost: " + std::strerror(errno);
            }
            const auto captured = std::chrono::steady_clock::now();
            if (buf.index < maps.size() && buf.bytesused >= static_cast<uint32_t>(stride) * h) {
                FrameView view{static_cast<const uint8_t*>(maps[buf.index].start), w, h, stride, pf};
                deliver(view, captured);
            }
            if (xioctl(fd.get(), VIDIOC_QBUF, &buf) != 0) return path + " lost: " + std::strerror(errno);
        }
        return "stopped";
    }

    CameraOptions m_options;
};

}  // namespace

std::vector<CameraInfo> listCameras() {
    std::vector<CameraInfo> out;
    std::error_code ec;
    std::vector<std::string> nodes;
    for (std::filesystem::directory_iterator it("/dev", ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("video", 0) == 0) nodes.push_back(it->path().string());
    }
    // Natural order: video2 before video10.
    std::sort(nodes.begin(), nodes.end(), [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    for (const auto& path : nodes) {
        V4lFd fd = openDevice(path);
        if (!fd) continue;
        CameraInfo info;
        info.device = path;
        if (!isCapture(fd.get(), &info.name)) continue;  // metadata nodes of UVC cameras
        info.sizes = frameSizes(fd.get());
        out.push_back(std::move(info));
    }
    return out;
}

std::unique_ptr<FrameSource> openCamera(CameraOptions options) {
    return std::make_unique<CameraSource>(std::move(options));
}

}  // namespace kiosk::scanner
