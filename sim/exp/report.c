/* report.c - DIR/report.html: one static page per sweep (see report.h).
 *
 * What a reader of a sweep wants on one page: the command that made it (sweep.json's
 * "command", shell-quoted so that it can be pasted), the summary table (summary.tsv as it
 * is, every column), every plot the directory holds (the SVG, else the PNG, by relative
 * link, with the PNG, SVG and TSV linked beside it and a sentence saying what it shows), and
 * a link to the JSON of each run (and each failure record). The page is self-contained: its
 * style is inline, it has no scripts, fonts or images from anywhere else, so it opens from
 * the disk, offline, or as a CI artifact; every name and value is HTML-escaped. Written
 * whole or not at all (outfile.h). Cost: one pass over summary.tsv and the runs folder.
 *
 * References: the HTML Living Standard (WHATWG) for the escaping rules of text and
 * attribute values. */
#include "report.h"
#include "exp.h"
#include "plot.h"
#include "sim/base/outfile.h"
#include "sim/base/xalloc.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* s as HTML text or attribute value (quoted with "): & < > " ' escaped. */
static void put_html(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
}

/* A path segment in an href: letters, digits and - _ . ~ = + , stay, the rest %XX (so a
 * run's name with '%' or '#' still links to its file). */
static void put_href(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-_.~=+,/", c))
            fputc(c, f);
        else
            fprintf(f, "%%%02X", c);
    }
}

/* One word of a command line as a POSIX shell reads it back. */
static void put_shell_word(FILE *f, const char *s)
{
    int plain = *s != '\0';
    for (const char *p = s; *p; p++)
        plain &= strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+-@%", *p) != NULL;
    if (plain) {
        put_html(f, s);
        return;
    }
    fputc('\'', f);
    for (const char *p = s; *p; p++) {
        char one[2] = {*p, 0};
        put_html(f, *p == '\'' ? "'\\''" : one);
    }
    fputc('\'', f);
}

static int exists(const char *dir, const char *name, const char *ext)
{
    char path[PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
    return access(path, R_OK) == 0;
}

/* The command line from sweep.json, or a note when the runs were merged without one. */
static void report_command(FILE *f, const char *dir)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    json_t *doc = json_load_file(path, 0, NULL);
    const json_t *cmd = json_object_get(doc, "command");
    fputs("<h2>Command</h2>\n", f);
    if (json_array_size(cmd)) {
        fputs("<pre class=\"cmd\">", f);
        size_t i;
        json_t *w;
        json_array_foreach(cmd, i, w) {
            if (i)
                fputc(' ', f);
            put_shell_word(f, json_string_value(w) ? json_string_value(w) : "");
        }
        fputs("</pre>\n", f);
    } else {
        fputs("<p>No command line recorded (the runs were merged without a <code>sweep.json</code>, "
              "or by an older pagesim): <code>pagesim merge</code> of ", f);
        put_html(f, dir);
        fputs(".</p>\n", f);
    }
    json_decref(doc);
}

/* summary.tsv as a table, every cell escaped; numeric cells right-aligned. */
static void report_summary(FILE *f, const char *dir)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/summary.tsv", dir);
    FILE *in = fopen(path, "r");
    fputs("<h2>Summary</h2>\n<p>One row per grid point (<a href=\"summary.tsv\">summary.tsv</a>); with "
          "seeds, means and 95% confidence half-widths (<code>*_ci95</code>, empty for a point run "
          "once because no part of it draws from the random number generator).</p>\n", f);
    if (!in) {
        fputs("<p>No summary.tsv.</p>\n", f);
        return;
    }
    fputs("<div class=\"wide\"><table>\n", f);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    for (int row = 0; (n = getline(&line, &cap, in)) > 0; row++) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        fputs("<tr>", f);
        char *save = NULL, *cell = line;
        for (;;) {
            char *tab = strchr(cell, '\t');
            if (tab)
                *tab = '\0';
            double v;
            const char *tag = row ? "td" : "th";
            fprintf(f, "<%s%s>", tag, row && exp_as_number(cell, &v) ? " class=\"num\"" : "");
            put_html(f, cell);
            fprintf(f, "</%s>", tag);
            if (!tab)
                break;
            cell = tab + 1;
        }
        (void)save;
        fputs("</tr>\n", f);
    }
    free(line);
    fclose(in);
    fputs("</table></div>\n", f);
}

/* Every plot the directory holds, in plot.c's table order. */
static void report_plots(FILE *f, const char *dir)
{
    fputs("<h2>Plots</h2>\n", f);
    int any = 0;
    const char *name, *caption, *done[64];
    int ndone = 0;
    for (size_t i = 0; (name = plot_kind_name(i, &caption)); i++) {
        int dup = 0;
        for (int d = 0; d < ndone; d++)
            dup |= !strcmp(done[d], name);
        if (dup || !exists(dir, name, ".tsv"))
            continue;
        if (ndone < 64)
            done[ndone++] = name;
        int svg = exists(dir, name, ".svg"), png = exists(dir, name, ".png");
        any = 1;
        fputs("<figure>\n", f);
        if (svg || png) {
            fputs("<img src=\"", f);
            put_href(f, name);
            fprintf(f, "%s\" alt=\"", svg ? ".svg" : ".png");
            put_html(f, name);
            fputs(" plot\">\n", f);
        }
        fputs("<figcaption><b>", f);
        put_html(f, name);
        fputs("</b>: ", f);
        put_html(f, caption);
        fputs(" Files:", f);
        const char *exts[3] = {".png", ".svg", ".tsv"};
        for (int e = 0; e < 3; e++)
            if (exists(dir, name, exts[e])) {
                fputs(" <a href=\"", f);
                put_href(f, name);
                fprintf(f, "%s\">%s</a>", exts[e], exts[e] + 1);
            }
        if (!svg && !png)
            fputs(" (not drawn: gnuplot was not found; <code>scripts/plot DIR</code> draws it)", f);
        fputs("</figcaption>\n</figure>\n", f);
    }
    if (!any)
        fputs("<p>The grid supports no plot (or the sweep ran with <code>--no-plots</code>).</p>\n", f);
}

/* A link to every run's JSON and every failure record, in file-name order. */
static void report_runs(FILE *f, const char *dir)
{
    char rdir[PATH_MAX + 8];
    snprintf(rdir, sizeof rdir, "%s/runs", dir);
    strv_t files = {0};
    exp_list_runs(rdir, &files);
    strv_sort(&files);
    fprintf(f, "<h2>Runs</h2>\n<p>%d result files in <a href=\"runs/\">runs/</a>, one JSON document per "
            "run (results/README.md documents its keys):</p>\n<ul class=\"runs\">\n", files.n);
    for (int i = 0; i < files.n; i++) {
        fputs("<li><a href=\"runs/", f);
        put_href(f, files.v[i]);
        fputs("\">", f);
        put_html(f, files.v[i]);
        fprintf(f, "</a>%s</li>\n", exp_has_suffix(files.v[i], ".failed") ? " (failed)" : "");
    }
    fputs("</ul>\n", f);
    strv_free(&files);
}

int report_write(const char *dir, const char *title, sim_err_t *err)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/report.html", dir);
    outfile_t o;
    if (outfile_open(&o, path, err))
        return err->kind;
    FILE *f = o.f;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    put_html(f, title);
    fputs(" - pagesim sweep</title>\n<style>\n"
          "body { font-family: sans-serif; margin: 1.5em auto; max-width: 1200px; padding: 0 1em; color: #222; }\n"
          "pre.cmd { background: #f4f4f4; padding: .6em; white-space: pre-wrap; word-break: break-all; }\n"
          "div.wide { overflow-x: auto; }\n"
          "table { border-collapse: collapse; font-size: 85%; }\n"
          "th, td { border: 1px solid #ccc; padding: 2px 6px; white-space: nowrap; }\n"
          "th { background: #eee; position: sticky; top: 0; }\n"
          "td.num { text-align: right; font-variant-numeric: tabular-nums; }\n"
          "figure { margin: 1.5em 0; }\n"
          "figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }\n"
          "ul.runs { columns: 3 22em; font-size: 85%; }\n"
          "</style>\n</head>\n<body>\n<h1>", f);
    put_html(f, title);
    fputs("</h1>\n<p>A pagesim sweep: one page for its command, its summary, its plots and its runs "
          "(written by <code>pagesim sweep</code> and <code>pagesim merge</code>; nothing here comes "
          "from the network).</p>\n", f);
    report_command(f, dir);
    report_summary(f, dir);
    report_plots(f, dir);
    report_runs(f, dir);
    fputs("</body>\n</html>\n", f);
    return outfile_commit(&o, "the report", err);
}
