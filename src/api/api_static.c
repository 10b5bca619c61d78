/*
 * api_static.c - the web UI's files: /widget.js, /console/ and its files,
 * /demo/ (a host page carrying the widget).  Read from the web directory
 * on each request (the page cache keeps them hot); names are checked
 * against a strict pattern, so no path ever leaves that directory.
 */
#include "api/internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE (2u << 20)

static const char *type_of(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
	};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

/* name_ok - a plain file name: [a-zA-Z0-9_-.], not starting with a dot. */
static bool name_ok(const char *s)
{
	if (!s || !*s || *s == '.' || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

static void serve(struct http_req *r, const char *dir, const char *name)
{
	const char *root = api_req(r)->w->api->cfg.web_dir;
	char path[1024];
	struct stat sb;
	char *data;
	ssize_t n;
	int fd;

	if (!root || !name_ok(name)) {
		api_error(r, E_NOTFOUND, NULL, NULL, "no such file");
		return;
	}
	snprintf(path, sizeof(path), "%s/%s%s%s", root, dir, *dir ? "/" : "", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode) ||
	    sb.st_size > (off_t)MAX_FILE) {
		if (fd >= 0)
			close(fd);
		api_error(r, E_NOTFOUND, NULL, NULL, "no such file");
		return;
	}
	data = arena_alloc(&r->arena, (size_t)sb.st_size + 1);
	n = data ? read(fd, data, (size_t)sb.st_size) : -1;
	close(fd);
	if (n != sb.st_size) {
		api_error(r, E_IO, NULL, NULL, "cannot read the file");
		return;
	}
	http_reply(r, 200, type_of(name), data, (size_t)n);
}

void api_h_static_widget(struct http_req *r)
{
	serve(r, "", "widget.js");
}

void api_h_static_console_index(struct http_req *r)
{
	serve(r, "console", "index.html");
}

void api_h_static_console(struct http_req *r)
{
	serve(r, "console", r->params[0]);
}

void api_h_static_demo(struct http_req *r)
{
	serve(r, "demo", "index.html");
}

void api_h_static_status_index(struct http_req *r)
{
	serve(r, "status", "index.html");
}

void api_h_static_status(struct http_req *r)
{
	serve(r, "status", r->params[0]);
}
