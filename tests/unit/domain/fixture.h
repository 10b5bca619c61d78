/*
 * fixture.h - a real SQLite store on a fresh temporary file for the domain
 * service tests: opened, migrated and inside an open transaction, like the
 * writer thread that calls the domain.  The clock is pinned.
 */
#ifndef HEED_TEST_DOMAIN_FIXTURE_H
#define HEED_TEST_DOMAIN_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/clock.h"
#include "store/store.h"

#define FX_T0 1700000000000LL

struct fx {
	char path[64];
	struct store *st;
	struct arena ar;
};

static void fx_unlink(const char *path)
{
	char p[80];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-journal", path);
	unlink(p);
}

static int fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	int fd, version = 0;

	if (!fx)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "/tmp/heed-domain-XXXXXX");
	fd = mkstemp(fx->path);
	if (fd < 0)
		goto fail;
	close(fd);
	if (store_open(fx->path, &fx->st) != E_OK ||
	    store_migrate(fx->st, &version) != E_OK ||
	    store_begin(fx->st) != E_OK)
		goto fail;
	arena_init(&fx->ar, 8192);
	clock_set_ms(FX_T0);
	*state = fx;
	return 0;
fail:
	store_close(fx->st);
	if (fx->path[0])
		fx_unlink(fx->path);
	free(fx);
	return -1;
}

static int fx_teardown(void **state)
{
	struct fx *fx = *state;

	store_rollback(fx->st);
	store_close(fx->st);
	fx_unlink(fx->path);
	arena_release(&fx->ar);
	clock_set_ms(0);
	free(fx);
	return 0;
}

#endif
