package org.vvmhost.services.world;

import java.util.List;

/** physics = {Position, Velocity}: moves entities in straight lines and bounces them off the world's bounds. */
public final class PhysicsSet implements ComponentSet {

    public static final int X = 0;
    public static final int Y = 1;
    public static final int VX = 2;
    public static final int VY = 3;

    private static final ComponentSchema SCHEMA = new ComponentSchema(List.of("x", "y", "vx", "vy"), List.of());

    @Override
    public String name() {
        return "physics";
    }

    @Override
    public ComponentSchema schema() {
        return SCHEMA;
    }

    @Override
    public void spawn(Spawn spawn, Columns columns, int row) {
        // At most 1/200 of the world's smaller side per tick, so crossings are frequent but not wild.
        WorldGeometry geometry = spawn.geometry();
        float maxSpeed = 0.005f * Math.min(geometry.width(), geometry.height());
        columns.floats(X)[row] = spawn.x();
        columns.floats(Y)[row] = spawn.y();
        long bits = WorldRandom.mix(spawn.seed(), spawn.entityId(), -3L);
        columns.floats(VX)[row] = (WorldRandom.unitFloat(bits) * 2 - 1) * maxSpeed;
        columns.floats(VY)[row] = (WorldRandom.unitFloat(bits << 24) * 2 - 1) * maxSpeed;
    }

    @Override
    public void tick(TickContext context, Columns columns) {
        WorldGeometry geometry = context.geometry();
        int area = context.area();
        float width = geometry.width();
        float height = geometry.height();
        float minX = (area % geometry.cols()) * geometry.areaWidth();
        float minY = (area / geometry.cols()) * geometry.areaHeight();
        float maxX = minX + geometry.areaWidth();
        float maxY = minY + geometry.areaHeight();
        float[] x = columns.floats(X);
        float[] y = columns.floats(Y);
        float[] vx = columns.floats(VX);
        float[] vy = columns.floats(VY);
        int size = columns.size();
        for (int i = 0; i < size; i++) {
            float nx = x[i] + vx[i];
            float ny = y[i] + vy[i];
            if (nx < 0) {
                nx = -nx;
                vx[i] = -vx[i];
            } else if (nx > width) {
                nx = width + width - nx;
                vx[i] = -vx[i];
            }
            if (ny < 0) {
                ny = -ny;
                vy[i] = -vy[i];
            } else if (ny > height) {
                ny = height + height - ny;
                vy[i] = -vy[i];
            }
            x[i] = nx;
            y[i] = ny;
            if (nx < minX || nx >= maxX || ny < minY || ny >= maxY) {
                int to = geometry.areaOf(nx, ny);
                if (to != area) {
                    context.moved(i, to);
                }
            }
        }
    }
}
