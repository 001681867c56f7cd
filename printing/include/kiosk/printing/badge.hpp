#pragma once
/// kiosk::printing badges: badge and confirmation PDFs rendered with libharu from JSON templates.
///
/// Text is UTF-8, typeset with embedded TrueType fonts found through fontconfig (DejaVu, Noto),
/// subset per document to the glyphs used. Coverage is checked before drawing: every character
/// goes to the first font of a chain that has it; characters no font has (CJK, RTL, emoji on a
/// stock Debian install) are replaced and reported as warnings ("badge.unsupported_script"),
/// never drawn as boxes. Long names shrink to a minimum size, then break over two lines keeping
/// the family name whole, then end in an ellipsis.
///
/// Threads: a BadgeRenderer may be shared by several threads (its caches are locked; each render
/// has its own libharu document). The free functions use one process-wide renderer.
#include <kiosk/core.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::printing {

/// What a badge says about one attendee. Plain values; build it from the database with
/// badgeContentFor() or by hand (benchmarks, walk-ins not yet stored).
struct BadgeContent {
    std::string attendeeId;
    std::string firstName;
    std::string lastName;
    std::string displayName;  ///< as printed: badge name override, else "First Last"
    std::string organisation;
    std::string category;  ///< stable key: "participant", "speaker", "staff", "press", …
    std::string workingGroup;
    core::Language language = core::Language::Fr;
    std::string qrPayload;  ///< our signed payload (Database::primaryCode)
    std::string eventName;
    std::string eventShortName;  ///< as in a badge header; the name when the event has none
    std::string eventTagline;
    std::string eventDate;          ///< already formatted for the attendee's language; empty without dates
    std::string eventPlace;         ///< "venue, city"
    std::string eventColour;        ///< "#rrggbb" or empty (the template's "eventColors")
    std::string eventAccentColour;  ///< "#rrggbb" or empty
    std::shared_ptr<const std::string> eventLogo;  ///< PNG or JPEG bytes; null = no logo
    // The organiser's rule for this kind of attendee (Database::badgeRuleFor); empty = default.
    std::string templateName;  ///< template for this kind of attendee
    std::string bandColour;    ///< "#rrggbb" for the category band ("color": "category")
    std::string roleWord;      ///< printed instead of the category's label
};

/// Reads attendee, event and primary code. Errors: "badge.unknown_attendee", database errors.
core::Result<BadgeContent> badgeContentFor(core::Database& db, const std::string& attendeeId);

/// An RGB colour, components 0..1.
struct Color {
    double r = 0, g = 0, b = 0;
};

enum class Align { Left, Center, Right };

/// One element of a template. Coordinates in millimetres from the top-left corner of the badge.
struct TemplateElement {
    enum class Kind { Text, Qr, Rect, Ellipse, Image, Line };
    Kind kind = Kind::Text;
    /// Text: attendee field ("display_name", "first_name", "last_name", "organisation",
    /// "category_label", "working_group", "event_name", "event_short_name", "event_tagline",
    /// "event_date", "event_place") or "literal". Image: "event_logo" (the event's logo, kept in
    /// proportion inside the box) or "" (the PNG `image`).
    std::string field;
    std::string text;  ///< literal text; for "label", and as working_group's prefix: a label key
    std::map<std::string, std::string> textByLanguage;  ///< "fr"/"nl"/"en" literals
    double x = 0, y = 0, w = 0, h = 0;
    double fontSize = 10;    ///< points
    double minFontSize = 0;  ///< auto-fit floor; 0 = fontSize (no shrinking)
    int maxLines = 1;        ///< 2 lets a name break (family name kept whole)
    bool bold = false;
    bool uppercase = false;
    Align align = Align::Center;
    Color color;
    bool categoryColor = false;  ///< fill/text takes the category's colour
    enum class EventColor { None, Main, Accent };
    EventColor eventColor = EventColor::None;  ///< takes the event's colour ("event" / "accent")
    /// Box used instead when the event has no logo (e.g. the title moves into the logo's place).
    std::optional<std::array<double, 4>> withoutLogo;  ///< x, y, w, h
    std::string image;                                 ///< PNG path, relative to assets/images/
    double lineWidth = 0.3;                            ///< Line elements, millimetres
};

/// A badge layout loaded from JSON (assets/templates/NAME.json). Parse errors: "template.*".
struct BadgeTemplate {
    std::string name;
    std::string paper;  ///< "a6", "a7", "cr80", "4x3in", "62mm", "4x6in", or "custom"
    double widthMm = 105;
    double heightMm = 148;
    std::vector<TemplateElement> elements;
    std::map<std::string, Color> categoryColors;  ///< by category key; "default" as fallback
    Color eventColor{0.0863, 0.196, 0.310};       ///< "eventColors.main": when the event has none
    Color eventAccentColor{0.949, 0.620, 0.122};  ///< "eventColors.accent"
    std::string baseDir;                          ///< folder images are resolved against
    std::string fontFamily = "Noto Sans";         ///< first font of the chain (fontconfig family)
    int qrEccLevel = 4;                           ///< ZXing 0..8 (4 ≈ M, survives a scuffed badge)
    /// "badgeFor": category (lower case) -> another template, when this one is the default.
    std::map<std::string, std::string> badgeFor;
    /// "categoryLabels": category (lower case) -> language ("fr"/"nl"/"en", "" for all) -> role word.
    std::map<std::string, std::map<std::string, std::string>> categoryLabels;
};

/// Paper sizes the kiosk knows, in millimetres (portrait). nullopt for an unknown name.
struct PaperSize {
    double widthMm;
    double heightMm;
};
std::optional<PaperSize> paperSize(const std::string& name);

/// Parse a template from JSON text (no file access except to check image paths exist).
core::Result<BadgeTemplate> parseTemplate(const std::string& json, const std::string& baseDir);
/// Load by name from the assets folder ("default", "a7", "cr80", …; "" = "default") or by path.
core::Result<BadgeTemplate> loadTemplate(const std::string& nameOrPath);
/// Template names available in the assets folder.
std::vector<std::string> templateNames();

/// Parses "#rrggbb"; nullopt otherwise.
std::optional<Color> parseColor(const std::string& hex);

/// Whether a logo (PNG or JPEG bytes) can be drawn on a badge. Errors "event.bad_logo" with
/// libharu's reason (an interlaced PNG, a CMYK JPEG …).
core::Status checkLogo(const std::string& bytes);

/// Something the renderer did not draw as asked: the badge was still produced.
struct RenderWarning {
    std::string code;     ///< "badge.unsupported_script", "badge.text_truncated"
    std::string message;  ///< what, where, and the characters involved (escaped)
};

struct RenderedPdf {
    std::string bytes;  ///< the PDF file
    std::vector<RenderWarning> warnings;
    int pages = 0;
    double widthMm = 0, heightMm = 0;  ///< the page (a badge) or sheet size
    std::string templateName;          ///< the template a badge was drawn with
};

/// A run of a laid-out line: characters drawn with one font.
struct TextRun {
    std::string text;      ///< UTF-8, as drawn (composed; a cut line ends in "…")
    std::string fontFile;  ///< the TrueType file the run is drawn with
    double widthPt = 0;
};
struct TextLine {
    std::vector<TextRun> runs;
    double widthPt = 0;
};
/// One text element of a template as the renderer lays it out for one attendee, auto-fit applied
/// (shrink, then two lines with the family name whole, then an ellipsis). The block is drawn
/// ascentPt + descentPt + (lines - 1) × lineHeightPt high, inside the element's box.
struct TextLayout {
    std::size_t element = 0;  ///< index in BadgeTemplate::elements
    std::vector<TextLine> lines;
    double sizePt = 0;  ///< font size after shrinking
    double lineHeightPt = 0;
    double ascentPt = 0;   ///< above the first baseline
    double descentPt = 0;  ///< below the last baseline (positive)
    bool shrunk = false;
    bool truncated = false;
    std::string dropped;  ///< UTF-8: the characters no font or policy allowed, left out
};
/// What renderBadge would put on the badge's text elements, without making a PDF: lets the desk
/// see whether a badge name is shrunk, cut or loses characters before it prints, and tests check
/// the layout without libharu.
struct BadgeTextLayout {
    std::vector<TextLayout> texts;        ///< the text elements that have text, in template order
    std::vector<RenderWarning> warnings;  ///< as renderBadge reports them
};

/// A4 sheets for pre-printing: 4×A6 (2×2) or 8×A7 (2×4), with cut marks. Badges are scaled
/// down uniformly when the template is larger than a cell.
enum class SheetLayout { A4_4xA6, A4_8xA7 };
std::optional<SheetLayout> sheetLayoutFromName(const std::string& name);  ///< "a4-4xa6", "a4-8xa7"

/// Reusable renderer: caches templates, parsed fonts and font subsets across badges, so the
/// hundredth badge costs far less than the first. Thread-safe (see the file comment).
class BadgeRenderer {
public:
    BadgeRenderer();
    ~BadgeRenderer();
    BadgeRenderer(const BadgeRenderer&) = delete;
    BadgeRenderer& operator=(const BadgeRenderer&) = delete;

    core::Result<BadgeTemplate> loadTemplate(const std::string& nameOrPath);  ///< cached
    /// The template for this attendee: the organiser's rule (content.templateName), else the
    /// default template's "badgeFor" for their category, else the default ("" = "default").
    core::Result<BadgeTemplate> templateFor(const BadgeContent& content, const std::string& defaultTemplate);
    /// One badge, one page. Errors: "pdf.*" (libharu), "font.missing".
    core::Result<RenderedPdf> renderBadge(const BadgeContent& content, const BadgeTemplate& tpl);
    /// The text layout of renderBadge(content, tpl), without drawing. Errors: "font.missing".
    core::Result<BadgeTextLayout> layoutText(const BadgeContent& content, const BadgeTemplate& tpl);
    /// All badges on A4 sheets with cut marks.
    core::Result<RenderedPdf> renderSheets(const std::vector<BadgeContent>& contents,
                                           const BadgeTemplate& tpl, SheetLayout layout);
    /// The A4 registration confirmation the attendee brings (QR code, what to do at the entrance).
    core::Result<RenderedPdf> renderConfirmation(const BadgeContent& content);

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

/// The process-wide renderer behind the free functions below.
BadgeRenderer& sharedRenderer();

/// PDF bytes of one badge (warnings, if wanted, through `warnings`).
core::Result<std::string> renderBadgePdf(const BadgeContent& content, const BadgeTemplate& tpl,
                                         std::vector<RenderWarning>* warnings = nullptr);
/// Look up the attendee and render their badge: the template their kind of attendee maps to
/// (BadgeRenderer::templateFor), else `defaultTemplate` ("" = "default"). Used by the print
/// worker (kiosk, desk reprints, kiosk print) and the CLI.
core::Result<RenderedPdf> renderBadgeFor(core::Database& db, const std::string& attendeeId,
                                         const std::string& defaultTemplate = "");
/// renderBadgeFor's bytes.
core::Result<std::string> renderAttendeeBadge(core::Database& db, const std::string& attendeeId,
                                              const std::string& templateName = "");
/// Badges of several attendees on A4 sheets.
core::Result<std::string> renderSheets(const std::vector<BadgeContent>& contents, const BadgeTemplate& tpl,
                                       SheetLayout layout, std::vector<RenderWarning>* warnings = nullptr);
/// The attendee's confirmation PDF.
core::Result<std::string> renderAttendeeConfirmation(core::Database& db, const std::string& attendeeId);

/// Localised fixed text ("label.working_group", category keys "category.speaker", …) for the
/// attendee's language; the key itself when unknown.
std::string label(const std::string& key, core::Language lang);

}  // namespace kiosk::printing
