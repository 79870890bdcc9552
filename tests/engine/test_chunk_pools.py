"""Work on a background thread never queues ahead of the main (GUI) thread's chunked work."""

import threading

from kmeans_gui.engine.distances import map_chunks


def test_main_thread_chunks_run_while_a_background_job_holds_its_pool():
    release = threading.Event()
    started = threading.Event()
    finished = []

    def blocked(a, b):
        started.set()
        release.wait(2)  # a long quantize's chunks, as far as the pool can tell
        finished.append(a)
        return a

    worker = threading.Thread(target=lambda: map_chunks(blocked, 80, 10), name="test-background-job")
    worker.start()
    try:
        assert started.wait(5)
        # With one shared pool these chunks would wait behind the eight blocked ones.
        assert map_chunks(lambda a, b: b - a, 40, 10) == [10, 10, 10, 10]
        assert finished == []  # answered while every background chunk was still held
    finally:
        release.set()
        worker.join(10)
    assert not worker.is_alive()
