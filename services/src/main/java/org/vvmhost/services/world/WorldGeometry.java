package org.vvmhost.services.world;

/**
 * The world's extent and its grid of areas. Area {@code a} is row {@code a / cols}, column {@code a % cols}.
 * Every piece of code that decides which area a point is in calls {@link #areaOf}, so they never disagree.
 */
public record WorldGeometry(float width, float height, int rows, int cols) {

    public int areaCount() {
        return rows * cols;
    }

    public float areaWidth() {
        return width / cols;
    }

    public float areaHeight() {
        return height / rows;
    }

    /** The area holding point (x, y); points on or past the far edges belong to the last row or column. */
    public int areaOf(float x, float y) {
        int col = Math.min(cols - 1, Math.max(0, (int) (x / areaWidth())));
        int row = Math.min(rows - 1, Math.max(0, (int) (y / areaHeight())));
        return row * cols + col;
    }

    /** Where entity {@code id} of a world with {@code seed} is born: a point spread uniformly over the world. */
    public float spawnX(long seed, long id) {
        return WorldRandom.unitFloat(WorldRandom.mix(seed, id, -1L)) * width;
    }

    public float spawnY(long seed, long id) {
        return WorldRandom.unitFloat(WorldRandom.mix(seed, id, -2L)) * height;
    }
}
